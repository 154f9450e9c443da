"""Matrix rows: drafts saved while typing, the keep-alive, the kept-form page."""

from tests.access_matrix import everyone

GET = {
    "drafts.save": everyone(405, anonymous=405),
    "drafts.load": everyone(400),  # no key given
    "drafts.discard": everyone(405, anonymous=405),
    "drafts.keep_alive": everyone(405, anonymous=405),
    # Nothing kept for anybody here: back to the start page.
    "drafts.kept": everyone(302),
    "drafts.kept_discard": everyone(405, anonymous=405),
}
POST = {
    "drafts.save": everyone(400),  # no JSON body
    "drafts.load": everyone(405, anonymous=405),
    "drafts.discard": everyone(200),
    "drafts.keep_alive": everyone(200),
    "drafts.kept": everyone(405, anonymous=405),
    "drafts.kept_discard": everyone(302),
}
POST_DATA = {"drafts.discard": {"key": "/portfolio/entries/new/reflection"}}


def arrange(db, users) -> dict:
    """Nothing to arrange; `key` goes in the query string of drafts.load."""
    return {}
