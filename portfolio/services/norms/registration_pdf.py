"""The PDF for re-registration: one registration's period, totals, activities and sessions.

The caller passes already-translated texts (labels, requirement rows, the forecast in words)
and the chart as PNG; this module only gathers the counted entries and lays out the pages
with reportlab. No free text of entries goes in — titles, dates, hours and course ids only.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape  # escapes text for the PDF; parses nothing  # nosec B406

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle, getSampleStyleSheet
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.platypus import Image, Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle
from sqlalchemy import select
from sqlmodel import Session

from competencies import NormStatus
from portfolio.models import Entry, EntryKind, EntryStatus
from portfolio.services.norms.norm_sums import NOT_SUPERSEDED


@dataclass(frozen=True)
class CountedActivity:
    """An entry that counts toward a requirement of the norm."""

    entry: Entry
    requirement: str


def counted_activities(db: Session, *, status: NormStatus) -> list[CountedActivity]:
    """Every entry the status counted, with the requirement it counted for, by date."""
    refs = [(ref, c.title) for c in status.categories for ref in c.refs]
    if status.work_hours is not None:
        refs += [(ref, "work_hours") for ref in status.work_hours.refs]
    ids = {ref for ref, _title in refs}
    entries = {e.id: e for e in db.scalars(select(Entry).where(Entry.id.in_(ids)))} if ids else {}
    rows = [CountedActivity(entries[ref], title) for ref, title in refs if ref in entries]
    return sorted(rows, key=lambda row: (row.entry.occurred_on, row.entry.id))


def sessions_in_period(db: Session, *, owner_id: int, status: NormStatus) -> list[Entry]:
    """The owner's signed-off peer review sessions within the registration period, by date
    (those awaiting sign-off do not count yet: the PDF says how many there are); a session a
    correction replaces is left out (the correction is listed)."""
    return db.scalars(
        select(Entry)
        .where(
            Entry.owner_id == owner_id,
            Entry.kind == EntryKind.PEER_REVIEW.value,
            Entry.status == EntryStatus.SIGNED.value,
            Entry.occurred_on >= status.period.start,
            Entry.occurred_on <= status.period.last_day,
            NOT_SUPERSEDED,
        )
        .order_by(Entry.occurred_on, Entry.id)
    ).all()


HEAD_FONT, CELL_SIZE, CELL_PADDING = "Helvetica-Bold", 8.5, 12  # Table's padding: 6 pt a side


def fit_widths(header: Sequence[str], shares: Sequence[float], width: float) -> list[float]:
    """Column widths from `shares` of `width`, each wide enough for the longest word of its
    header (so "Punten" never splits into "Punte/n"); what that takes comes off the columns
    with room to spare, widest first."""
    needed = [
        max(stringWidth(word, HEAD_FONT, CELL_SIZE) for word in text.split()) + CELL_PADDING
        for text in header
    ]
    widths = [max(share * width, least) for share, least in zip(shares, needed, strict=True)]
    excess = sum(widths) - width
    for index in sorted(range(len(widths)), key=lambda i: widths[i] - needed[i], reverse=True):
        if excess <= 0:
            break
        give = min(excess, widths[index] - needed[index])
        widths[index] -= give
        excess -= give
    return widths


def _table(header: Sequence[str], rows: Sequence[Sequence[str]], shares, width) -> Table:
    """A table whose cells wrap (long titles stay inside their column); header words whole."""
    styles = getSampleStyleSheet()
    cell = ParagraphStyle("cell", parent=styles["Normal"], fontSize=CELL_SIZE, leading=10.5)
    head = ParagraphStyle("head", parent=cell, fontName=HEAD_FONT, splitLongWords=0)
    widths = fit_widths(header, shares, width)
    data = [[Paragraph(escape(text), head) for text in header]]
    data += [[Paragraph(escape(text), cell) for text in row] for row in rows]
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


def build_pdf(
    *,
    heading: str,
    facts: Sequence[tuple[str, str]],
    requirement_header: Sequence[str],
    requirements: Sequence[Sequence[str]],
    forecast: Sequence[str],
    chart_png: bytes | None,
    chart_caption: str,
    activity_title: str,
    activity_header: Sequence[str],
    activities: Sequence[Sequence[str]],
    session_title: str,
    session_header: Sequence[str],
    sessions: Sequence[Sequence[str]],
    empty: str,
    session_notes: Sequence[str] = (),
) -> bytes:
    """The PDF document as bytes (all texts already in the reader's language)."""
    styles = getSampleStyleSheet()
    buffer = io.BytesIO()
    margin = 18 * mm
    margins = {
        "leftMargin": margin,
        "rightMargin": margin,
        "topMargin": margin,
        "bottomMargin": margin,
    }
    document = SimpleDocTemplate(buffer, pagesize=A4, title=heading, **margins)
    width = A4[0] - 36 * mm
    story = [Paragraph(escape(heading), styles["Title"])]
    story += [
        Paragraph(f"<b>{escape(label)}</b>: {escape(value)}", styles["Normal"])
        for label, value in facts
    ]
    story += [
        Spacer(1, 4 * mm),
        _table(requirement_header, requirements, [0.4, 0.2, 0.2, 0.2], width),
    ]
    story += [Spacer(1, 3 * mm)] + [Paragraph(escape(s), styles["Normal"]) for s in forecast]
    if chart_png:
        image = Image(io.BytesIO(chart_png))
        scale = min(1.0, width / image.drawWidth)
        image.drawWidth, image.drawHeight = image.drawWidth * scale, image.drawHeight * scale
        story += [Spacer(1, 3 * mm), image, Paragraph(escape(chart_caption), styles["Italic"])]
    for title, header, rows, widths in (
        (
            activity_title,
            activity_header,
            activities,
            [0.13, 0.27, 0.26, 0.1, 0.08, 0.16],
        ),
        (session_title, session_header, sessions, [0.14, 0.5, 0.36]),
    ):
        story += [Spacer(1, 5 * mm), Paragraph(escape(title), styles["Heading2"])]
        story.append(
            _table(header, rows, widths, width)
            if rows
            else Paragraph(escape(empty), styles["Normal"])
        )
    # Sessions that do not count yet (not signed off), said below the ones that do.
    if session_notes:
        story.append(Spacer(1, 2 * mm))
        story += [Paragraph(escape(note), styles["Normal"]) for note in session_notes]
    document.build(story)
    return buffer.getvalue()
