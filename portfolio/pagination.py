"""Pagination of a select statement: one count query and one page query."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlmodel import Session


@dataclass(frozen=True)
class Page:
    """One page of results."""

    items: list[Any]
    number: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        """How many pages there are (at least one)."""
        return max(1, -(-self.total // self.per_page))

    @property
    def has_previous(self) -> bool:
        """True when a page comes before this one."""
        return self.number > 1

    @property
    def has_next(self) -> bool:
        """True when a page comes after this one."""
        return self.number < self.pages


def paginate(
    db: Session,
    statement: Select,
    *,
    page: int,
    per_page: int,
    scalars: bool = True,
    total: int | None = None,
) -> Page:
    """Run `statement` for page `page` (1-based; out-of-range pages are clamped).

    With `scalars=False` the items are rows (for selects of several columns). A caller that
    has counted the rows already passes `total` (no count statement then).
    """
    if total is None:
        total = (
            db.scalar(select(func.count()).select_from(statement.order_by(None).subquery())) or 0
        )
    last = max(1, -(-total // per_page))
    number = min(max(page, 1), last)
    bounded = statement.limit(per_page).offset((number - 1) * per_page)
    rows = db.scalars(bounded).all() if scalars else db.execute(bounded).all()
    return Page(items=list(rows), number=number, per_page=per_page, total=total)
