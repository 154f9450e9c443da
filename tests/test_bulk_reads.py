"""Reads over many workers: id lists in the SQL text, joined pairs, art. 3 evidence per kind, the
collector paused during an export."""

from __future__ import annotations

import gc
import random
from datetime import date, timedelta

from sqlalchemy import select

import competencies
from portfolio.infra.bulk_reads import cyclic_gc_paused, ids_in, joined_pairs, split_pairs
from portfolio.models import Entry, EntryTag, User
from portfolio.services.overviews.dashboard import art3_evidence_by_kind, art3_evidence_by_owner
from tests.factories import make_organisation, make_user

YEAR = 2025


def test_ids_are_written_into_the_sql_and_an_empty_list_selects_nothing(db):
    organisation = make_organisation(db)
    users = [make_user(db, organisation) for _ in range(3)]
    statement = select(User.id).where(ids_in(User.id, [users[0].id, users[2].id]))

    assert set(db.scalars(statement)) == {users[0].id, users[2].id}
    assert db.scalars(select(User.id).where(ids_in(User.id, []))).all() == []
    sql = str(statement.compile(db.get_bind(), compile_kwargs={"render_postcompile": True}))
    assert f"IN ({users[0].id}, {users[2].id})" in sql


def test_joined_pairs_come_back_as_they_went_in(db):
    organisation = make_organisation(db)
    make_user(db, organisation, name="Ada"), make_user(db, organisation, name="Bo")
    joined = db.scalar(select(joined_pairs(User.name, User.email)))

    assert split_pairs(joined) == dict(db.execute(select(User.name, User.email)).all())
    assert split_pairs(None) == {}


def test_the_collector_is_paused_inside_and_restored_after():
    assert gc.isenabled()
    with cyclic_gc_paused():
        assert not gc.isenabled()
        with cyclic_gc_paused():
            assert not gc.isenabled()
        assert not gc.isenabled()  # an inner pause leaves the outer one in place
    assert gc.isenabled()


def _entries(db, rng: random.Random, owner, count: int) -> None:
    """Entries of every kind around the year, some tagged with article 3 or 24."""
    for _ in range(count):
        on = date(YEAR, 1, 1) + timedelta(days=rng.randint(-60, 420))
        entry = Entry(
            organisation_id=owner.organisation_id,
            owner_id=owner.id,
            kind=rng.choice(competencies.ENTRY_KINDS),
            title="e",
            occurred_on=on,
            catalogue_version="test",
        )
        db.add(entry)
        db.flush()
        for code in ("3", "24", "7"):
            if rng.random() < 0.1:
                db.add(EntryTag(entry_id=entry.id, vocabulary="article", code=code))
    db.commit()


def test_art3_coverage_from_kinds_equals_coverage_from_every_entry(db):
    rng = random.Random(3)
    organisation = make_organisation(db)
    owners = [make_user(db, organisation) for _ in range(12)]
    for n, owner in enumerate(owners):
        _entries(db, rng, owner, n * 3)
    ids = [owner.id for owner in owners]
    for as_of in (date(YEAR, 3, 31), date(YEAR, 12, 31)):
        by_entry = art3_evidence_by_owner(db, owner_ids=ids, year=YEAR)

        by_kind = art3_evidence_by_kind(db, owner_ids=ids, first=date(YEAR, 1, 1), last=as_of)

        for owner_id in ids:
            entries = [e for e in by_entry.get(owner_id, []) if e.date <= as_of]
            expected = competencies.art3_coverage(entries, YEAR)
            found = competencies.art3_coverage(by_kind.get(owner_id, []), YEAR)
            assert [c.covered for c in found] == [c.covered for c in expected]
    coverage = [
        c.covered for o in ids for c in competencies.art3_coverage(by_kind.get(o, []), YEAR)
    ]
    assert True in coverage and False in coverage
