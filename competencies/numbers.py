"""Numbers as people type them in a Dutch form: one parser for every number field.

`1,5` and `1.5` are one and a half; `3.000` is three thousand when that is plausible for the
field (a threshold), and refused with a suggestion when it is not (`1.500` hours: probably
1,5). A comma followed by exactly three digits is ambiguous when both readings fit the field
(`3,000` as a threshold: 3 or 3000?) and is refused with both suggestions. No web code here:
the error carries a code and the suggested numbers; the app words the message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

_SPACES = re.compile(r"[\s\u00a0\u202f]+")
_PLAIN = re.compile(r"\d+(?:[.,]\d+)?|[.,]\d+")
_GROUPED_DOT = re.compile(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?")  # 3.000 or 12.500,5 (Dutch)
_GROUPED_COMMA = re.compile(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?")  # 3,000 or 12,500.5 (English)


@dataclass
class NumberError(ValueError):
    """Why a typed number was refused: `code` and, where one fits, what was probably meant."""

    code: str  # "invalid", "negative", "too_many_decimals", "too_large", "ambiguous"
    text: str
    maximum: Decimal | None = None
    places: int | None = None
    suggestions: tuple[Decimal, ...] = field(default_factory=tuple)

    def __str__(self) -> str:
        hint = ""
        if self.suggestions:
            hint = "; did you mean " + " or ".join(str(s) for s in self.suggestions)
        return f"{self.code}: {self.text!r}{hint}"


def _decimal(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the patterns admit digits only
        raise NumberError("invalid", text) from None


def parse_number(
    text: str | None, *, maximum: Decimal | int | None = None, places: int = 2
) -> Decimal | None:
    """The number typed in `text` (None for blank), or NumberError.

    `maximum` is the largest plausible value of the field; it decides between the readings of
    a grouped number. At most `places` decimals.
    """
    if text is None:
        return None
    raw = _SPACES.sub("", str(text))
    if not raw:
        return None
    top = Decimal(maximum) if maximum is not None else None
    if raw.startswith("-"):
        raise NumberError("negative", text)
    if raw.startswith("+"):
        raw = raw[1:]
    if _PLAIN.fullmatch(raw):
        value = _decimal(raw.replace(",", "."))
        sep = "," if "," in raw else "." if "." in raw else None
        whole, decimals = raw.split(sep) if sep else (raw, "")
        if sep and len(decimals) == 3 and whole.lstrip("0"):
            # 1.500 / 1,500: a thousands separator or a decimal one.
            grouped = _decimal(whole + decimals)
            grouped_fits = top is None or grouped <= top
            decimal_fits = (top is None or value <= top) and _places_ok(value, places)
            if sep == ".":
                if grouped_fits:
                    return _tidy(grouped)  # Dutch grouping: 3.000 is three thousand
                hint = (_tidy(value),) if decimal_fits else ()
                raise NumberError("too_large", text, top, places, hint)
            if grouped_fits and decimal_fits:
                raise NumberError("ambiguous", text, top, places, (_tidy(value), _tidy(grouped)))
            if grouped_fits:
                raise NumberError("ambiguous", text, top, places, (grouped,))
        return _check(value, text, top, places)
    for pattern, group, point in ((_GROUPED_DOT, ".", ","), (_GROUPED_COMMA, ",", ".")):
        if pattern.fullmatch(raw):
            value = _decimal(raw.replace(group, "").replace(point, "."))
            return _check(value, text, top, places)
    raise NumberError("invalid", text)


def _places_ok(value: Decimal, places: int) -> bool:
    return -value.normalize().as_tuple().exponent <= places  # type: ignore[operator]


def _check(value: Decimal, text: str, top: Decimal | None, places: int) -> Decimal:
    if not _places_ok(value, places):
        raise NumberError(
            "too_many_decimals",
            text,
            top,
            places,
            (value.quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP),),
        )
    if top is not None and value > top:
        raise NumberError("too_large", text, top, places)
    return _tidy(value)


def _tidy(value: Decimal) -> Decimal:
    """1.500 -> 1.5, 3000 stays 3000 (never 3E+3)."""
    return Decimal(int(value)) if value == value.to_integral_value() else value.normalize()


def format_number(value: Decimal | int | float | None, locale: str = "nl", places: int = 2) -> str:
    """`value` with at most `places` decimals, no trailing zeros; Dutch: comma and dot groups."""
    if value is None:
        return ""
    number = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_UP)
    text = f"{number:,.{places}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    if locale.startswith("nl"):
        text = text.replace(",", "\x00").replace(".", ",").replace("\x00", ".")
    return text
