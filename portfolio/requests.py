"""The request as the app reads it: control characters removed once, and safe argument helpers.

PostgreSQL refuses a NUL in text, a control character has no place in anything a person types,
and a line break belongs only in a multi-line text. `CleanRequest` removes NUL and the other
control characters (C0 except tab, line feed and carriage return; DEL; C1) from every form and
query parameter, names and values, before any view or form reads them. Line breaks stay here:
a one-line form field refuses them (`portfolio.web.forms.single_line`).
"""

from __future__ import annotations

import re

from flask import Request, request
from werkzeug.datastructures import ImmutableMultiDict, MultiDict
from werkzeug.utils import cached_property

CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x84\x86-\x9f]")


def without_controls(text: str) -> str:
    """`text` without NUL and the other control characters (tab and line breaks stay)."""
    return CONTROL_CHARACTERS.sub("", text)


def _cleaned(values: MultiDict) -> ImmutableMultiDict:
    return ImmutableMultiDict(
        (without_controls(key), without_controls(value) if isinstance(value, str) else value)
        for key, value in values.items(multi=True)
    )


class CleanRequest(Request):
    """Flask's request whose `args` and `form` never hold a control character."""

    @cached_property
    def args(self) -> ImmutableMultiDict:
        return _cleaned(super().args)

    def _load_form_data(self) -> None:
        if "form" in self.__dict__:  # parsed (and cleaned) already
            return
        super()._load_form_data()
        self.__dict__["form"] = _cleaned(self.__dict__["form"])


def page_number() -> int:
    """The `page` query argument as a positive integer (1 when absent or invalid)."""
    return max(request.args.get("page", 1, type=int) or 1, 1)


def search_text(limit: int = 100) -> str:
    """The `q` query argument on one line, trimmed and bounded."""
    return " ".join(request.args.get("q", "").split())[:limit]
