"""Data for the evaluation exports (P4, P5): the demo data plus a year of HR's workflow.

`portfolio.create` writes workers in teams of 15 (each team with a supervisor),
one registration each and `years` of entries, all drafts with competency tags only; it writes
no yearly evaluations, assessments or goals (apart from the one demo worker). On top of that,
set-based in SQL (PostgreSQL), this adds what an organisation in its evaluation month has:

- 80 % of peer review sessions older than three weeks signed off by the team's supervisor;
- Beroepscode article tags: article 3 on half of the reflections, 24 on a third of the
  peer review sessions (the export's art. 3 coverage reads them);
- yearly evaluations of `YEAR`: a third of the workers none (not_started), a third prepared
  (with a self-evaluation), a third completed or signed (half each) by the team's supervisor
  with agreements for HR; signed evaluations of the year before for two thirds of the workers;
- competency assessments with ten ratings each: a self-assessment last year and this year for
  two thirds of the workers, one by the supervisor for a third;
- development goals: two per worker for half of the workers, in every status;
- the facts stored with every prepared, completed and signed evaluation of the year, as the
  workflow stores them (`evaluation_facts.facts_for`, computed here as of `TODAY`; the export
  reads the stored facts of signed evaluations), and a copy with last year's.

VACUUM ANALYZE before the facts are computed and after they are stored, so that the planner
knows the data and the measurements do not read the dead rows of the updates.
"""

from __future__ import annotations

import json
from datetime import date

from sqlalchemy import create_engine, select, text
from sqlmodel import Session

import competencies
from portfolio import demo
from portfolio.db import make_engine, standalone_session
from portfolio.models import Organisation, YearlyEvaluation
from portfolio.services.evaluations.evaluation_facts import facts_for

TODAY = date(2026, 12, 14)  # fixed, so runs compare; the export is of the year in progress
YEAR = TODAY.year
LEVELS = [level.code for level in competencies.PROFICIENCY_LEVELS]
COMPETENCY_CODES = [c.code for c in competencies.COMPETENCIES]

_SQL = """
CREATE TEMP TABLE bench_worker ON COMMIT DROP AS
SELECT u.id, u.organisation_id,
       (SELECT min(l.user_id) FROM team_lead l WHERE l.team_id = u.team_id) AS lead_id
  FROM user_account u WHERE u.role = 'worker';

UPDATE entry e SET status = 'signed', signed_at = e.occurred_on + time '17:00',
       signed_by_id = w.lead_id
  FROM bench_worker w
 WHERE w.id = e.owner_id AND e.kind = 'peer_review' AND e.occurred_on < :signed_before
   AND e.id % 5 <> 0;

INSERT INTO entry_tag (entry_id, vocabulary, code)
SELECT id, 'article', '3' FROM entry WHERE kind = 'reflection' AND id % 2 = 0
UNION ALL
SELECT id, 'article', '24' FROM entry WHERE kind = 'peer_review' AND id % 3 = 0;

INSERT INTO yearly_evaluation (organisation_id, worker_id, supervisor_id, year, version,
       is_current, status, self_evaluation, supervisor_evaluation, agreements, prepared_at,
       completed_at, worker_signed_at, supervisor_signed_at, created_at, updated_at)
SELECT w.organisation_id, w.id,
       CASE WHEN w.id % 3 = 2 THEN w.lead_id END,
       :year, 1, true,
       CASE w.id % 3 WHEN 1 THEN 'prepared' ELSE
         CASE WHEN w.id % 6 = 2 THEN 'completed' ELSE 'signed' END END,
       json_build_object('year_in_short', 'Een druk jaar met veel nieuwe gezinnen.',
                         'went_well', 'Samenwerking met de school.',
                         'to_develop', 'Grenzen stellen bij hoge caseload.'),
       CASE WHEN w.id % 3 = 2 THEN 'Goed jaar, aandacht voor werkdruk.' END,
       CASE WHEN w.id % 3 = 2 THEN 'WMO3: Outreachend werken in de nieuwe wijk' || chr(10)
            || 'WMO9: Beter samenwerken met de huisartsen' END,
       timestamptz '2026-10-01 09:00+00' + (w.id % 40) * interval '1 day',
       CASE WHEN w.id % 3 = 2 THEN timestamptz '2026-11-12 13:00+00' END,
       CASE WHEN w.id % 6 = 5 THEN timestamptz '2026-11-20 10:00+00' END,
       CASE WHEN w.id % 6 = 5 THEN timestamptz '2026-11-21 15:30+00' END,
       now(), now()
  FROM bench_worker w WHERE w.id % 3 <> 0
UNION ALL
SELECT w.organisation_id, w.id, w.lead_id, :year - 1, 1, true, 'signed',
       json_build_object('year_in_short', 'Vorig jaar.', 'went_well', 'Veel.',
                         'to_develop', 'Meer.'),
       'Prima.', 'WMO1: Doorgaan', timestamptz '2025-10-01 09:00+00',
       timestamptz '2025-11-10 09:00+00', timestamptz '2025-11-20 09:00+00',
       timestamptz '2025-11-21 09:00+00', now(), now()
  FROM bench_worker w WHERE w.id % 3 <> 0;

INSERT INTO competency_assessment (organisation_id, subject_id, assessor_id, assessed_on,
       catalogue_version, created_at)
SELECT w.organisation_id, w.id, w.id, :today - 400 + (w.id % 30), :catalogue, now()
  FROM bench_worker w WHERE w.id % 3 <> 0
UNION ALL
SELECT w.organisation_id, w.id, w.id, :today - 60 + (w.id % 30), :catalogue, now()
  FROM bench_worker w WHERE w.id % 3 <> 0
UNION ALL
SELECT w.organisation_id, w.id, w.lead_id, :today - 30 + (w.id % 20), :catalogue, now()
  FROM bench_worker w WHERE w.id % 3 = 2 AND w.lead_id IS NOT NULL;

INSERT INTO competency_rating (assessment_id, competency_code, level_code, motivation)
SELECT a.id, c.code, (CAST(:levels AS text[]))[1 + (a.id + c.n) % 4],
       CASE WHEN a.subject_id <> a.assessor_id THEN 'Onderbouwing bij ' || c.code END
  FROM competency_assessment a
 CROSS JOIN unnest(CAST(:codes AS text[])) WITH ORDINALITY AS c(code, n)
 WHERE NOT EXISTS (SELECT 1 FROM competency_rating r WHERE r.assessment_id = a.id);

INSERT INTO development_goal (organisation_id, owner_id, competency_code, current_level,
       target_level, title, actions, due_on, status, created_at, updated_at)
SELECT w.organisation_id, w.id, (CAST(:codes AS text[]))[1 + (w.id + g) % 10],
       (CAST(:levels AS text[]))[2], (CAST(:levels AS text[]))[3],
       'Ontwikkeldoel ' || g, 'Intervisie en een training volgen.', :today + 90 * g,
       (ARRAY['open', 'in_progress', 'achieved', 'dropped'])[1 + (w.id / 2 + g) % 4],
       timestamptz '2026-02-01 09:00+00' + (w.id % 300) * interval '1 day', now()
  FROM bench_worker w CROSS JOIN generate_series(1, 2) AS g
 WHERE w.id % 2 = 0;
"""


def _statements() -> list[str]:
    """The statements of _SQL: each ends with a semicolon at the end of a line."""
    return [part.strip() for part in _SQL.split(";\n") if part.strip()]


def seed(url: str, *, workers: int, years: int) -> int:
    """Fill the fresh PostgreSQL database at `url`; returns the demo organisation's id."""
    engine = make_engine(url)
    try:
        with standalone_session(engine) as session:
            demo.create(session, workers=workers, years=years, today=TODAY)
            params = {
                "signed_before": date.fromordinal(TODAY.toordinal() - 21),
                "year": YEAR,
                "today": TODAY,
                "catalogue": competencies.CATALOGUE_VERSION,
                "levels": LEVELS,
                "codes": COMPETENCY_CODES,
            }
            for statement in _statements():
                session.execute(text(statement), params)
            session.commit()
            organisation_id = session.scalar(
                select(Organisation.id).where(Organisation.slug == demo.DEMO_ORGANISATION[1])
            )
        # Statistics first: with none about the article tags, PostgreSQL plans the facts'
        # evidence query as a nested loop over every tag (minutes at 70,000 workers).
        _vacuum(url, "VACUUM ANALYZE")
        with standalone_session(engine) as session:
            _store_facts(session, organisation_id)
            session.commit()
    finally:
        engine.dispose()
    _vacuum(url, "VACUUM ANALYZE yearly_evaluation")
    return organisation_id


def _vacuum(url: str, statement: str) -> None:
    vacuum = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with vacuum.connect() as connection:
            connection.execute(text(statement))
    finally:
        vacuum.dispose()


FACTS_CHUNK = 5_000


def _store_facts(session: Session, organisation_id: int) -> None:
    """The facts snapshot of every evaluation of YEAR past not_started (and last year's)."""
    worker_ids = session.scalars(
        select(YearlyEvaluation.worker_id)
        .where(
            YearlyEvaluation.organisation_id == organisation_id,
            YearlyEvaluation.year == YEAR,
            YearlyEvaluation.status != "not_started",
        )
        .order_by(YearlyEvaluation.worker_id)
    ).all()
    session.execute(
        text("CREATE TEMP TABLE bench_facts (worker_id int, facts json) ON COMMIT DROP")
    )
    raw = session.connection().connection.driver_connection
    for start in range(0, len(worker_ids), FACTS_CHUNK):
        facts = facts_for(
            session,
            organisation_id=organisation_id,
            worker_ids=worker_ids[start : start + FACTS_CHUNK],
            year=YEAR,
            today=TODAY,
        )
        with raw.cursor() as cursor, cursor.copy("COPY bench_facts FROM STDIN") as copy:
            for worker_id, worker_facts in facts.items():
                copy.write_row((worker_id, json.dumps(worker_facts)))
    session.execute(
        text(
            "UPDATE yearly_evaluation ev SET facts = f.facts FROM bench_facts f "
            "WHERE ev.worker_id = f.worker_id AND ev.year IN (:year, :year - 1)"
        ),
        {"year": YEAR},
    )
