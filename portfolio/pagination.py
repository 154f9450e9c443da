"""Pagination of a select statement: one count query and one page query (or one statement
with the count beside the rows: `paginate_counted_beside`).

A long list (everyone in an organisation, the audit log) is counted only up to a limit: beyond
it the page says "page N" without the number of pages, and one row more than the page holds
tells whether a next page exists. Counting 70,000 rows on every visit of page 1 is what made
those pages slow.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from sqlalchemy import Integer, Select, bindparam, func, select
from sqlmodel import Session


@dataclass(frozen=True)
class Page:
    """One page of results. `total` is None when there are more than `counted_up_to` rows (not
    counted further); `more` then says whether a page follows this one."""

    items: list[Any]
    number: int
    per_page: int
    total: int | None
    counted_up_to: int | None = None
    more: bool = False

    @property
    def pages(self) -> int | None:
        """How many pages there are (at least one); None when the rows were not all counted."""
        if self.total is None:
            return None
        return last_page(self.total, self.per_page)

    @property
    def has_previous(self) -> bool:
        """True when a page comes before this one."""
        return self.number > 1

    @property
    def has_next(self) -> bool:
        """True when a page comes after this one."""
        if self.total is None:
            return self.more
        return self.number < self.pages


def last_page(total: int, per_page: int) -> int:
    """The number of the last page of `total` rows (1 when there are none)."""
    return max(1, -(-total // per_page))


def page_within(page: int, total: int, per_page: int) -> int:
    """Page `page`, or the nearest page that exists (out-of-range pages are clamped)."""
    return min(max(page, 1), last_page(total, per_page))


def _bounded(statement: Select) -> Select:
    """`statement` limited by the parameters page_limit and page_offset."""
    return statement.limit(bindparam("page_limit", type_=Integer)).offset(
        bindparam("page_offset", type_=Integer)
    )


def _count_of(statement: Select, up_to_limit: bool) -> Select:
    """The count of `statement`'s rows; with `up_to_limit` of at most parameter count_limit."""
    rows = statement.order_by(None)
    if up_to_limit:
        rows = rows.limit(bindparam("count_limit", type_=Integer))
    return select(func.count()).select_from(rows.subquery())


# The same forms of a statement built once (`parameters`): building and keying them on every
# request cost about as much as running them.
_kept_bounded = lru_cache(maxsize=128)(_bounded)
_kept_count_of = lru_cache(maxsize=128)(_count_of)


@dataclass(frozen=True)
class _Reader:
    """Runs a listing's statements with its parameters; forms of a statement built once are
    kept (`kept`)."""

    db: Session
    parameters: dict
    kept: bool

    def count(self, statement: Select, limit: int | None = None) -> int:
        count_of = _kept_count_of if self.kept else _count_of
        bounds = {} if limit is None else {"count_limit": limit}
        counting = count_of(statement, limit is not None)
        return self.db.scalar(counting, {**self.parameters, **bounds}) or 0

    def rows(self, statement: Select, *, limit: int, offset: int, scalars: bool) -> list:
        bounded = (_kept_bounded if self.kept else _bounded)(statement)
        bounds = {**self.parameters, "page_limit": limit, "page_offset": offset}
        found = self.db.scalars(bounded, bounds) if scalars else self.db.execute(bounded, bounds)
        return list(found.all())


def paginate(
    db: Session,
    statement: Select,
    *,
    page: int,
    per_page: int,
    scalars: bool = True,
    total: int | None = None,
    count_limit: int | None = None,
    counted: Select | None = None,
    parameters: dict | None = None,
) -> Page:
    """Run `statement` for page `page` (1-based; out-of-range pages are clamped).

    With `scalars=False` the items are rows (for selects of several columns). A caller that
    has counted the rows already passes `total` (no count statement then). With `count_limit`
    at most that many rows are counted (see the module's text): two statements, one when page 1
    holds the whole list.
    `counted` is a statement with the same rows and cheaper columns, counted instead of
    `statement`: PostgreSQL works out every column of a subquery with a LIMIT, so a count up to
    the limit would otherwise compute each row's subqueries (the audit log's names).
    A statement (and `counted`) built once, with bound `parameters`, has its paged and counting
    forms built once too.
    """
    reader = _Reader(db, parameters or {}, kept=parameters is not None)
    counted_rows = statement if counted is None else counted
    if total is None and count_limit is not None:
        # Page 1 with one row more first: a list that fits on it needs no count.
        first = (
            _uncounted(reader, statement, page=1, per_page=per_page, scalars=scalars)
            if page <= 1
            else None
        )
        if first is not None and len(first) <= per_page:
            return Page(items=first, number=1, per_page=per_page, total=len(first))
        found_up_to_limit = reader.count(counted_rows, count_limit + 1)
        if found_up_to_limit > count_limit:
            found = first or _uncounted(
                reader, statement, page=page, per_page=per_page, scalars=scalars
            )
            if found is not None:
                return Page(
                    items=found[:per_page],
                    number=max(page, 1),
                    per_page=per_page,
                    total=None,
                    counted_up_to=count_limit,
                    more=len(found) > per_page,
                )
            total = reader.count(counted_rows)  # a page past the end: counted, to show the last
        else:
            total = found_up_to_limit
            if first is not None:
                return Page(items=first[:per_page], number=1, per_page=per_page, total=total)
    if total is None:
        total = reader.count(counted_rows)
    number = page_within(page, total, per_page)
    rows = reader.rows(statement, limit=per_page, offset=(number - 1) * per_page, scalars=scalars)
    return Page(items=rows, number=number, per_page=per_page, total=total)


def _uncounted(reader: _Reader, statement: Select, *, page: int, per_page: int, scalars: bool):
    """The rows of page `page` and one more (is there a next page?); None past the end."""
    number = max(page, 1)
    offset = (number - 1) * per_page
    rows = reader.rows(statement, limit=per_page + 1, offset=offset, scalars=scalars)
    return rows if rows or number == 1 else None


def paginate_counted_beside(
    db: Session, statement: Select, *, page: int, per_page: int, parameters: dict | None = None
) -> Page:
    """Like `paginate` for a select of columns (the items are rows), in one statement when page
    `page` has rows: the total is a window count beside them (column `rows_in_all`), taken
    before the limit. A page past the end costs two more: the total, then the last page.

    Give it a statement built once, with bound `parameters` (the paged form is then built
    once per statement too: building and keying it costs more than running it)."""
    paged = _paged_with_total(statement)

    def rows_of(number: int, limit: int = per_page) -> list:
        bounds = {"page_limit": limit, "page_offset": (number - 1) * per_page}
        return list(db.execute(paged, {**(parameters or {}), **bounds}).all())

    number = max(page, 1)
    rows = rows_of(number)
    if not rows and number > 1:
        first = rows_of(1, limit=1)
        number = last_page(first[0].rows_in_all, per_page) if first else 1
        rows = rows_of(number) if first else []
    return Page(
        items=rows, number=number, per_page=per_page, total=rows[0].rows_in_all if rows else 0
    )


@lru_cache(maxsize=64)
def _paged_with_total(statement: Select) -> Select:
    """`statement` with its total beside each row, bounded by parameters page_limit and
    page_offset."""
    return (
        statement.add_columns(func.count().over().label("rows_in_all"))
        .limit(bindparam("page_limit", type_=Integer))
        .offset(bindparam("page_offset", type_=Integer))
    )
