r"""Translations: the template is current, Dutch is complete, and the language switch works.

When a test here fails after you added or changed a string, run the commands of the README's
Translations section, translate the new entries in nl/messages.po, then compile:

    .venv/bin/pybabel extract -F babel.cfg -k _l -k lazy_gettext \
        -o portfolio/translations/messages.pot --no-location --sort-output --project Vakbekwaam .
    .venv/bin/pybabel update -i portfolio/translations/messages.pot \
        -d portfolio/translations --no-fuzzy-matching
    .venv/bin/pybabel compile -d portfolio/translations   # or: make translations
"""

from __future__ import annotations

import re
from collections import Counter
from functools import cache
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog, Message
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

from portfolio.models import User
from tests.conftest import csrf_token, login, post_form
from tests.factories import PASSWORD, make_organisation, make_user

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "portfolio" / "translations"
POT = TRANSLATIONS / "messages.pot"
NL_PO = TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.po"
NL_MO = TRANSLATIONS / "nl" / "LC_MESSAGES" / "messages.mo"
# The same keywords as the extract command: Babel's defaults plus the lazy ones.
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
RUN_COMMANDS = (
    "run the extract/update commands in the README (section Translations, also in this test "
    "file's docstring), translate the new Dutch entries, then `make translations`"
)
PLACEHOLDER_RE = re.compile(r"%\((\w+)\)[-#0 +]*\d*(?:\.\d+)?[sdifr]")
HTML_LANG_RE = re.compile(r'<html lang="(\w+)">')


def key(message: Message) -> tuple:
    """A message's identity: its msgid (with the plural) and its context."""
    ids = message.id if isinstance(message.id, str) else tuple(message.id)
    return ids, message.context


def keys(catalog: Catalog) -> set[tuple]:
    """Every message of a catalogue, without the header."""
    return {key(message) for message in catalog if message.id}


@cache
def read_catalog(path: Path) -> Catalog:
    """A .po or .pot file, parsed."""
    with path.open("rb") as handle:
        return read_po(handle)


def extract_now() -> Catalog:
    """Extract the messages from the source tree as `pybabel extract` does with babel.cfg."""
    with (ROOT / "babel.cfg").open(encoding="utf-8") as handle:
        method_map, options_map = parse_mapping_cfg(handle)
    catalog = Catalog()
    for filename, lineno, message, comments, context in extract_from_dir(
        str(ROOT), method_map, options_map, keywords=KEYWORDS
    ):
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog


def placeholders(text: str) -> Counter:
    """The named %-placeholders of a string, with their conversion (`%(n)d` → "n:d")."""
    return Counter(f"{m.group(1)}:{m.group(0)[-1]}" for m in PLACEHOLDER_RE.finditer(text))


def translation_pairs(message: Message) -> list[tuple[str, str]]:
    """(source, translation) pairs: one for a plain message, one per form for a plural."""
    if isinstance(message.id, str):
        return [(message.id, message.string)]
    singular, plural = message.id[0], message.id[1]
    forms = list(message.string)
    return [(singular, forms[0])] + [(plural, form) for form in forms[1:]]


def strings(message: Message | None) -> tuple[str, ...] | None:
    """A message's translation(s) as a tuple (.po and .mo readers differ: list, tuple, str)."""
    if message is None:
        return None
    return (message.string,) if isinstance(message.string, str) else tuple(message.string)


def dutch(msgid: str) -> str:
    """The Dutch translation of `msgid`, read from the catalogue (not hard-coded)."""
    message = read_catalog(NL_PO).get(msgid)
    assert message is not None and message.string, f"{msgid!r} has no Dutch translation"
    return message.string


def html_lang(response) -> str | None:
    match = HTML_LANG_RE.search(response.get_data(as_text=True))
    return match.group(1) if match else None


# --- The catalogues ------------------------------------------------------------------------


def test_pot_matches_the_source_tree():
    extracted = keys(extract_now())
    in_pot = keys(read_catalog(POT))
    new = sorted(map(str, extracted - in_pot))
    gone = sorted(map(str, in_pot - extracted))
    assert not new and not gone, (
        f"messages.pot is out of date: {RUN_COMMANDS}.\n"
        f"In the source but not in messages.pot: {new}\n"
        f"In messages.pot but no longer in the source: {gone}"
    )


def test_dutch_catalogue_has_every_message_of_the_pot():
    in_pot = keys(read_catalog(POT))
    in_nl = keys(read_catalog(NL_PO))
    assert in_nl == in_pot, (
        f"nl/messages.po is not updated from messages.pot: {RUN_COMMANDS}.\n"
        f"Missing in nl: {sorted(map(str, in_pot - in_nl))}\n"
        f"Only in nl: {sorted(map(str, in_nl - in_pot))}"
    )


def test_every_dutch_translation_is_filled_in_and_not_fuzzy():
    catalog = read_catalog(NL_PO)
    assert catalog.num_plurals == 2, "Dutch has two plural forms"
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (message.fuzzy or not all(text.strip() for _, text in translation_pairs(message)))
    ]
    assert not untranslated, f"Translate these in nl/messages.po (no fuzzy): {untranslated}"


def test_dutch_translations_keep_the_placeholders():
    wrong = [
        (source, translation)
        for message in read_catalog(NL_PO)
        if message.id
        for source, translation in translation_pairs(message)
        if placeholders(source) != placeholders(translation)
    ]
    assert not wrong, f"Placeholders differ between msgid and Dutch msgstr: {wrong}"


def test_compiled_dutch_catalogue_matches_the_po_file():
    assert NL_MO.exists(), (
        "no nl/messages.mo: run `.venv/bin/pybabel compile -d portfolio/translations`"
    )
    with NL_MO.open("rb") as handle:
        compiled = read_mo(handle)
    stale = [
        message.id
        for message in read_catalog(NL_PO)
        if message.id and strings(compiled.get(message.id, message.context)) != strings(message)
    ]
    assert not stale, (
        "nl/messages.mo is older than nl/messages.po: run "
        f"`.venv/bin/pybabel compile -d portfolio/translations`. Stale: {stale}"
    )


# --- The pages -----------------------------------------------------------------------------


def test_pages_are_dutch_by_default(client):
    response = client.get("/login")
    html = response.get_data(as_text=True)

    assert response.status_code == 200
    assert html_lang(response) == "nl"
    assert dutch("Log in") in html
    assert dutch("Forgot your password?") in html
    assert "Forgot your password?" not in html


def test_form_errors_are_dutch_by_default(client):
    response = post_form(client, "/login", {"email": "", "password": ""})
    html = response.get_data(as_text=True)

    assert dutch("Please check the form") in html
    assert dutch("E-mail address") in html
    assert "This field is required." not in html  # WTForms' own messages follow the locale too


def test_plural_forms_are_dutch(app):
    from flask_babel import ngettext

    with app.test_request_context("/"):
        one = ngettext("%(num)d person", "%(num)d people", 1)
        many = ngettext("%(num)d person", "%(num)d people", 3)
    forms = read_catalog(NL_PO).get(("%(num)d person", "%(num)d people")[0]).string
    assert one == forms[0] % {"num": 1}
    assert many == forms[1] % {"num": 3}
    assert one != many


def test_anonymous_visitor_switches_to_english(client):
    token = csrf_token(client, "/login")
    response = client.post("/language", data={"lang": "en", "next": "/login", "csrf_token": token})

    assert response.status_code == 302
    assert response.headers["Location"].endswith("/login")
    page = client.get("/login")
    assert html_lang(page) == "en"
    assert "Forgot your password?" in page.get_data(as_text=True)
    assert dutch("Forgot your password?") not in page.get_data(as_text=True)


def test_switching_back_to_dutch(client):
    post_form(client, "/language", {"lang": "en", "next": "/login"}, token_from="/login")
    post_form(client, "/language", {"lang": "nl", "next": "/login"}, token_from="/login")

    assert html_lang(client.get("/login")) == "nl"


def test_logged_in_choice_is_stored_on_the_account(app, client, db):
    user = make_user(db, make_organisation(db))
    login(client, user.email, PASSWORD)
    assert html_lang(client.get("/", follow_redirects=True)) == "nl"

    response = post_form(client, "/language", {"lang": "en", "next": "/"}, token_from="/")

    assert response.status_code == 302
    page = client.get(response.headers["Location"], follow_redirects=True)
    assert html_lang(page) == "en"
    assert "Log out" in page.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, user.id).locale == "en"

    # The account remembers it: a fresh browser is English right after logging in.
    other = app.test_client()
    login(other, user.email, PASSWORD)
    assert html_lang(other.get("/", follow_redirects=True)) == "en"


def test_choice_made_before_logging_in_survives_the_login(client, db):
    user = make_user(db, make_organisation(db))
    post_form(client, "/language", {"lang": "en", "next": "/login"}, token_from="/login")
    assert html_lang(client.get("/login")) == "en"

    login(client, user.email, PASSWORD)

    assert html_lang(client.get("/", follow_redirects=True)) == "en"


def test_unknown_language_is_refused(client, db):
    user = make_user(db, make_organisation(db))
    login(client, user.email, PASSWORD)

    response = post_form(client, "/language", {"lang": "fr", "next": "/"}, token_from="/")

    assert response.status_code == 400
    db.expire_all()
    assert db.get(User, user.id).locale == "nl"
    assert html_lang(client.get("/", follow_redirects=True)) == "nl"


@pytest.mark.parametrize("lang", ["", "EN", "en-GB", "nl; DROP"])
def test_malformed_language_is_refused(client, lang):
    response = post_form(client, "/language", {"lang": lang}, token_from="/login")

    assert response.status_code == 400
    assert html_lang(client.get("/login")) == "nl"


def test_language_switch_needs_a_csrf_token(client):
    client.get("/login")
    response = client.post("/language", data={"lang": "en", "next": "/login"})

    assert response.status_code == 400
    assert html_lang(client.get("/login")) == "nl"


def test_language_switch_does_not_redirect_off_site(client):
    response = post_form(
        client, "/language", {"lang": "en", "next": "https://evil.example/"}, token_from="/login"
    )

    assert response.status_code == 302
    assert "evil.example" not in response.headers["Location"]
