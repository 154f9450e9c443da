"""The yearly-evaluation export as PDF: one section per worker, with a small chart each and
the latest competency levels.

The caller passes the sections with every text already in the reader's language (the same
fields as the CSV: status, dates, agreements and facts; never a self-evaluation, reflection or
case text). Sections are consumed lazily: reportlab's build loop asks for the length of its
flowable list before every step, and `_LazyStory` tops the list up from the generator then, so
only a few sections are in memory at once (the finished pages are, until the file is saved).
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO
from xml.sax.saxutils import escape  # escapes text for the PDF; parses nothing  # nosec B406

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.platypus import (
    Image,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

MARGIN = 16 * mm
WIDTH = A4[0] - 2 * MARGIN
LOOKAHEAD = 8  # flowables kept ready ahead of reportlab's build loop


@dataclass(frozen=True)
class Section:
    """One worker's part of the PDF, every text already localised."""

    heading: str
    facts: Sequence[tuple[str, str]]
    agreements_title: str
    agreements: Sequence[str]
    table_header: Sequence[str]
    table_rows: Sequence[Sequence[str]]
    chart_png: bytes | None
    # The latest competency levels: a title, then a table (competency, self, by the supervisor).
    levels_title: str = ""
    levels_header: Sequence[str] = ()
    levels_rows: Sequence[Sequence[str]] = ()


class _LazyStory(list):
    """A flowable list that refills itself from an iterator whenever its length is asked."""

    def __init__(self, source: Iterator) -> None:
        super().__init__()
        self._source = source

    def __len__(self) -> int:
        while super().__len__() < LOOKAHEAD:
            item = next(self._source, None)
            if item is None:
                break
            self.append(item)
        return super().__len__()


def _styles() -> dict[str, ParagraphStyle]:
    sample = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=sample["Normal"], fontSize=8.5, leading=10.5)
    return {
        "title": sample["Title"],
        "heading": sample["Heading2"],
        "normal": sample["Normal"],
        "small": ParagraphStyle("small", parent=sample["Normal"], fontSize=9, leading=11.5),
        "cell": cell,
        "head": ParagraphStyle("head", parent=cell, fontName="Helvetica-Bold"),
        "italic": sample["Italic"],
    }


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], styles) -> Table:
    data = [[Paragraph(escape(text), styles["head"]) for text in header]]
    data += [[Paragraph(escape(text), styles["cell"]) for text in row] for row in rows]
    widths = [WIDTH * 0.52] + [WIDTH * 0.48 / (len(header) - 1)] * (len(header) - 1)
    table = Table(data, colWidths=widths, repeatRows=1)
    table.setStyle(
        TableStyle(
            [
                ("LINEBELOW", (0, 0), (-1, 0), 0.6, colors.black),
                ("ROWBACKGROUNDS", (0, 1), (-1, -1), [colors.white, colors.HexColor("#f1f4f8")]),
                ("VALIGN", (0, 0), (-1, -1), "TOP"),
            ]
        )
    )
    return table


def _image(png: bytes) -> Image:
    image = Image(io.BytesIO(png))
    scale = min(1.0, WIDTH / image.drawWidth)
    image.drawWidth, image.drawHeight = image.drawWidth * scale, image.drawHeight * scale
    return image


def _section(section: Section, styles) -> KeepTogether:
    parts = [Paragraph(escape(section.heading), styles["heading"])]
    parts += [
        Paragraph(f"<b>{escape(label)}</b>: {escape(value)}", styles["small"])
        for label, value in section.facts
    ]
    if section.agreements:
        parts.append(Paragraph(f"<b>{escape(section.agreements_title)}</b>", styles["small"]))
        parts += [Paragraph("• " + escape(line), styles["small"]) for line in section.agreements]
    if section.table_rows:
        parts += [Spacer(1, 2 * mm), _table(section.table_header, section.table_rows, styles)]
    if section.chart_png:
        parts += [Spacer(1, 2 * mm), _image(section.chart_png)]
    if section.levels_rows:
        parts += [
            Spacer(1, 2 * mm),
            Paragraph(f"<b>{escape(section.levels_title)}</b>", styles["small"]),
            _table(section.levels_header, section.levels_rows, styles),
        ]
    parts.append(Spacer(1, 6 * mm))
    return KeepTogether(parts)


def write_pdf(
    target: IO[bytes],
    *,
    title: str,
    introduction: Sequence[str],
    sections: Iterable[Section],
    chart_caption: str,
    empty: str,
) -> None:
    """Write the PDF to `target`: a title page part, then one section per worker."""
    styles = _styles()
    document = SimpleDocTemplate(
        target,
        pagesize=A4,
        title=title,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
    )

    def story() -> Iterator:
        yield Paragraph(escape(title), styles["title"])
        for line in introduction:
            yield Paragraph(escape(line), styles["normal"])
        yield Paragraph(escape(chart_caption), styles["italic"])
        yield Spacer(1, 5 * mm)
        found = False
        for section in sections:
            found = True
            yield _section(section, styles)
        if not found:
            yield Paragraph(escape(empty), styles["normal"])

    document.build(_LazyStory(story()))
