"""Every form of every route, every field, fed what a careless or hostile client may send.

For each route in `app.url_map` that takes a POST, logged in as a principal the access matrix
lets post it, the form its GET page shows is posted back once per field and per payload: NUL,
CR/LF, 1 MB, a right-to-left override, emoji and ids beyond 32 (and 64) bits. No answer may be a
500, and a refused post (any answer but a redirect) writes nothing: no table's row count
changes (log-in counters and the audit log aside). URL ids beyond 32 bits answer 404.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

from sqlalchemy import func, select
from sqlmodel import SQLModel
from werkzeug.routing import IntegerConverter

from portfolio.access import PUBLIC, rule_for
from tests import access_matrix as m
from tests.conftest import csrf_token
from tests.test_access_matrix import _relogin, _url, world  # noqa: F401 - the fixture

PAYLOADS = {
    "nul": "vóór\x00na",
    "crlf": "regel\r\nBcc: spion@example.org",
    "one_mb": "x" * (1024 * 1024),
    "rlo": "cv\u202egpj.exe",
    "emoji": "👩🏽‍⚕️ zorg 🙂",
    "id_2_31": str(2**31),
    "id_2_63": str(2**63),
}
BOOKKEEPING = {"login_throttle", "audit_event"}
SESSION_CHANGING = {"auth.logout", "auth.logout_everywhere", "auth.login", "main.set_language"}
PREFERRED = (m.WORKER, m.SUPERVISOR, m.HR, m.ADMIN, m.OTHER_WORKER, m.OTHER_SUPERVISOR)


class _Forms(HTMLParser):
    """The forms of a page: action, method and their named controls with a default value."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict] = []
        self._select: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": a.get("action") or "", "method": a.get("method") or "get", "fields": {}}
            )
            return
        if not self.forms or not a.get("name"):
            if tag == "option" and self._select and self.forms:
                fields = self.forms[-1]["fields"]
                if fields.get(self._select) in (None, "") and a.get("value"):
                    fields[self._select] = a["value"]
            return
        fields = self.forms[-1]["fields"]
        name = a["name"]
        if tag == "input":
            kind = (a.get("type") or "text").lower()
            if kind in {"checkbox", "radio"}:
                if "checked" in a or name not in fields:
                    fields[name] = a.get("value", "y")
            elif kind not in {"submit", "button", "file", "image", "reset"}:
                fields[name] = a.get("value", "")
        elif tag == "textarea":
            fields[name] = ""
        elif tag == "select":
            self._select = name
            fields.setdefault(name, "")
        elif tag == "option" and self._select:
            pass

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None


def _forms(html: str) -> list[dict]:
    parser = _Forms()
    parser.feed(html)
    return parser.forms


def _principal(app, rule) -> str | None:
    """Who posts to this route: a principal the access matrix lets past the route's rule."""
    expected = m.EXPECTED_POST[rule.endpoint]
    with app.app_context():
        public = rule_for(rule.endpoint).kind == PUBLIC
    order = (m.ANON, *PREFERRED) if public else PREFERRED
    return next((p for p in order if expected[p] not in (403, 404, 405)), None)


def _counts(app) -> dict[str, int]:
    tables = [t for t in SQLModel.metadata.sorted_tables if t.name not in BOOKKEEPING]
    statement = select(*(select(func.count()).select_from(t).scalar_subquery() for t in tables))
    with app.extensions["db_engine"].connect() as connection:
        row = connection.execute(statement).one()
    return dict(zip((t.name for t in tables), row, strict=True))


def _refused(response) -> bool:
    """The app said no: an error status, or a page with an error message on it."""
    if response.status_code >= 400:
        return True
    if response.status_code != 200 or response.mimetype != "text/html":
        return False
    html = response.get_data(as_text=True)
    return 'class="error' in html or "flash-error" in html


def _form_of(html: str, path: str) -> dict | None:
    for form in _forms(html):
        if form["method"].lower() == "post" and form["action"] in ("", path, path.split("?")[0]):
            return form
    return None


def test_no_route_answers_500_or_writes_half_a_row_whatever_a_field_holds(app, world):  # noqa: F811
    app.testing = False  # a 500 is answered as in production, not raised
    _users, clients, arguments = world
    tokens: dict[str, str] = {}
    problems: list[str] = []
    posted = fields_tried = 0
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        if "POST" not in rule.methods or rule.endpoint == "static":
            continue
        principal = _principal(app, rule)
        if principal is None:
            continue
        path = _url(app, rule, arguments)
        client = clients[principal]
        with client.get(path) as page:
            html = page.get_data(as_text=True) if page.mimetype == "text/html" else ""
        form = _form_of(html, path) if page.status_code == 200 else None
        base = dict(form["fields"]) if form else {}
        names = [n for n in base if n != "csrf_token"] or ["next"]
        for name in names:
            fields_tried += 1
            for label, payload in PAYLOADS.items():
                before = _counts(app)
                data = {
                    **base,
                    name: payload,
                    "csrf_token": csrf_token(
                        client, "/account" if principal != m.ANON else "/login"
                    ),
                }
                with client.post(path, data=data) as response:  # closes file downloads
                    refused = _refused(response)
                posted += 1
                where = f"POST {path} [{rule.endpoint}] as {principal}, {name}={label}"
                if response.status_code >= 500:
                    problems.append(f"{where}: {response.status_code}")
                elif refused and _counts(app) != before:
                    changed = {k for k, v in _counts(app).items() if before[k] != v}
                    problems.append(
                        f"{where}: refused ({response.status_code}) but wrote {changed}"
                    )
                if rule.endpoint in SESSION_CHANGING:
                    _relogin(app, world, principal)
                    client = clients[principal]
                    tokens.pop(principal, None)
    assert posted > 500 and fields_tried > 80, (posted, fields_tried)
    assert not problems, f"{len(problems)} of {posted} posts:\n" + "\n".join(problems[:60])


def test_every_int_url_argument_beyond_32_bits_answers_404(app, world):  # noqa: F811
    _users, clients, arguments = world
    wrong, checked = [], 0
    for rule in app.url_map.iter_rules():
        ints = [n for n, c in rule._converters.items() if isinstance(c, IntegerConverter)]
        if not ints:
            continue
        checked += 1
        huge = {**arguments, **dict.fromkeys(ints, 1)}
        path = _url(app, rule, huge)
        for name in ints:
            value = str(huge.get(f"{rule.endpoint}:{name}", huge.get(name)))
            bad = re.sub(rf"/{re.escape(value)}(?=/|$|\.)", f"/{2**31}", path, count=1)
            for method in sorted(rule.methods - {"HEAD", "OPTIONS"}):
                with clients[m.ADMIN].open(bad, method=method) as response:
                    status = response.status_code
                if status != 404:
                    wrong.append(f"{method} {bad}: {status}")
    assert checked > 30
    assert not wrong, "\n".join(wrong)
