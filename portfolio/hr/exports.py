"""HR's organisation overview and the export of the yearly evaluations (CSV, XLSX, PDF).

Every route reads the viewer's own organisation only; a team of another organisation is not a
valid filter. Exports stream: the CSV batch by batch, the XLSX and PDF from a temporary file
once built. Each export is written to the audit log with its format and filters before the
first byte is sent, so a broken-off or killed download leaves its entry; the row count is put
on it at the end. The PDF draws a chart per worker and is refused above
EVALUATION_PDF_MAX_WORKERS workers (HR is asked to filter by team or status).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import IO

from flask import (
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import format_date, get_locale
from flask_babel import gettext as _
from flask_login import current_user
from markupsafe import Markup

from portfolio import access, clock, db
from portfolio.chart_urls import chart_digest, svg_response
from portfolio.hr import bp
from portfolio.hr.export_forms import (
    TEAM_CHOICES_MAX,
    TEAM_NAME_MAX,
    YEARS_BACK,
    EvaluationFilterForm,
    YearForm,
    year_form,
)
from portfolio.models import Role
from portfolio.page_cache import page_cache
from portfolio.requests import page_number
from portfolio.services.evaluations import evaluation_export
from portfolio.services.evaluations.evaluation_export import Selection
from portfolio.services.evaluations.evaluation_facts import as_of_for
from portfolio.services.evaluations.evaluation_listings import Unled, unled_workers
from portfolio.services.overviews import org_overview
from portfolio.templating import EVALUATION_STATUSES, STANDINGS, current_locale

CHUNK_BYTES = 64 * 1024
TEAMS_CACHE = "hr-evaluation-teams"
TEAM_MATCHES_MAX = 20  # teams offered to choose from when a typed name matches several
STANDINGS_CHART = "standings"
MIMETYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


def _organisation_id() -> int:
    return current_user.organisation_id


def _filter_form(*, page: bool = True) -> EvaluationFilterForm:
    """The filters from the query string. The page's team filter lists the organisation's
    teams when it has at most TEAM_CHOICES_MAX (`_teams`); above, it is a search field whose
    text (`team_name`) is looked up in the database (`_team_search`). A team asked for by id
    (the page's own links, the exports) is looked up alone: no statement reads every team."""
    session, organisation_id = db.session(), _organisation_id()
    listed = _teams(organisation_id).listed if page else None
    if listed is not None:
        form = year_form(EvaluationFilterForm, this_year=clock.today().year, teams=listed)
        form.team_search, form.team_matches, form.team_problem = False, [], None
        return form
    asked = request.args.get("team", 0, type=int)
    named = (
        evaluation_export.team_named(session, organisation_id=organisation_id, team_id=asked)
        if asked
        else None
    )
    text = _team_name_asked() if page else None
    chosen, matches, problem = named, [], None
    if text is not None:
        chosen, matches, problem = _team_search(text, named)
    teams = [team for team in {named, chosen} if team]
    form = year_form(EvaluationFilterForm, this_year=clock.today().year, teams=teams)
    if text is not None:
        form.team.data = chosen[0] if chosen else 0
    form.team_name.data = text if problem else (chosen[1] if chosen else "")
    form.team_search, form.team_matches, form.team_problem = True, matches, problem
    return form


def _team_name_asked() -> str | None:
    """The typed team name on one line, bounded; None when the search field was not sent."""
    if "team_name" not in request.args:
        return None
    return " ".join(request.args["team_name"].split())[:TEAM_NAME_MAX]


def _team_search(text: str, named: tuple[int, str] | None):
    """(chosen team or None, teams to choose from, problem or None) for a typed team name: empty
    is every team; the team already chosen when its name is typed; else the one team named so
    (any case), or the one whose name holds the text; several or none is a problem."""
    if not text:
        return None, [], None
    if named and named[1].casefold() == text.casefold():
        return named, [], None
    found = evaluation_export.teams_matching(
        db.session(), organisation_id=_organisation_id(), text=text, limit=TEAM_MATCHES_MAX + 1
    )
    exact = [team for team in found if team[1].casefold() == text.casefold()]
    if len(exact) == 1 or len(found) == 1:
        return (exact or found)[0], [], None
    if not found:
        return None, [], _("No team has this name.")
    return None, found, _("Several teams match this name: choose one below.")


def _selection(form: EvaluationFilterForm) -> Selection:
    return Selection(
        _organisation_id(), form.year.data, form.team.data or None, form.status.data or None
    )


def _filters(selection: Selection) -> dict:
    """The selection as the query string of the evaluations page and its exports."""
    return {
        "year": selection.year,
        "team": selection.team_id or 0,
        "status": selection.status or "",
    }


def _chart_data(overview) -> dict:
    """The standings chart's input: a bar per norm, a series per standing."""
    series = [{"key": key, "label": str(label)} for key, label in STANDINGS.items()]
    bars = [
        {"label": f"{n.register} — {n.title}", "counts": [n.counts[s["key"]] for s in series]}
        for n in overview.norms
    ]
    return {"bars": bars, "series": series, "axis": _("Registrations")}


def _chart(overview) -> dict | None:
    """The standings chart's URL (chart_urls), with a sentence per norm as its text alternative."""
    if not overview.norms:
        return None
    data = _chart_data(overview)
    series = data["series"]
    sentences = [
        f"{bar['label']}: "
        + ", ".join(f"{s['label']} {count}" for s, count in zip(series, bar["counts"], strict=True))
        for bar in data["bars"]
    ]
    image = url_for(
        "hr.overview_chart", year=overview.year, digest=chart_digest(STANDINGS_CHART, data)
    )
    return {"image": image, "text": ". ".join(sentences) + "."}


def _overview(year: int, page: int = 1):
    """The organisation's overview with one page of teams, kept for OVERVIEW_CACHE_SECONDS
    (counts of 70,000 people take a while even from stored standings; HR's counts may be that
    much behind)."""
    key = _overview_key(year, page)
    organisation_id, _year, today, _page, per_page, _locale = key

    def compute():
        result = org_overview.organisation_overview(
            db.session(),
            organisation_id=organisation_id,
            year=year,
            today=today,
            page=page,
            per_page=per_page,
        )
        db.session().commit()  # the standings it refreshed
        return result

    seconds = current_app.config["OVERVIEW_CACHE_SECONDS"]
    return page_cache("hr-overview").get_or_compute(key, compute, seconds=seconds)


@bp.route("/overview")
@access.roles(Role.HR, Role.ADMIN)
def overview():
    """Registration standings per norm and evaluations per status, overall and per team."""
    form = year_form(YearForm, this_year=clock.today().year)
    if not form.validate():
        return render_template("hr/overview.html", form=form, overview_content=None), 400
    return render_template(
        "hr/overview.html",
        form=form,
        overview_content=_overview_content(form.year.data, page_number()),
    )


def _overview_content(year: int, page: int) -> Markup:
    """The overview's tables and chart, rendered once per organisation, year, page and
    language for OVERVIEW_CACHE_SECONDS, like the counts they show (hundreds of table cells:
    rendering them cost more than the rest of the page)."""

    def render() -> Markup:
        result = _overview(year, page)
        return Markup(  # noqa: S704  # nosec B704 - rendered by Jinja with autoescape
            render_template(
                "hr/_overview_content.html",
                overview=result,
                chart=_chart(result),
                standings=STANDINGS,
                statuses=EVALUATION_STATUSES,
            )
        )

    seconds = current_app.config["OVERVIEW_CACHE_SECONDS"]
    return page_cache("hr-overview-content").get_or_compute(
        _overview_key(year, page), render, seconds=seconds
    )


def _overview_key(year: int, page: int) -> tuple:
    """What the overview's counts and its rendered tables depend on: (organisation, year,
    today, page, page size, language)."""
    today, per_page = clock.today(), current_app.config["PAGE_SIZE"]
    return (_organisation_id(), year, today, page, per_page, str(get_locale()))


@bp.route("/overview/chart/<int:year>/<digest>.svg")
@access.roles(Role.HR, Role.ADMIN)
def overview_chart(year: int, digest: str):
    """The overview's standings chart, for whom may see the overview."""
    from portfolio.charts.evaluation import standings_svg  # matplotlib: drawn here

    today = clock.today()
    if year not in range(today.year - YEARS_BACK + 1, today.year + 2):  # the form's years
        abort(404)
    result = _overview(year)
    if not result.norms:
        abort(404)
    data = _chart_data(result)
    return svg_response(standings_svg(data), kind=STANDINGS_CHART, data=data, digest=digest)


@bp.route("/evaluations")
@access.roles(Role.HR, Role.ADMIN)
def evaluations():
    """The year's evaluations: counts per status and the workers, filtered; export links; a
    warning about active workers whose evaluation nobody can complete (no team lead)."""
    form = _filter_form()
    valid = form.validate()
    if form.team_problem:
        form.team_name.errors = [*form.team_name.errors, form.team_problem]
    if not valid or form.team_problem:
        return render_template(
            "hr/evaluations.html",
            form=form,
            filters_html=_filters_html(form),
            page=None,
            team_matches_max=TEAM_MATCHES_MAX,
        ), 400
    selection = _selection(form)
    session = db.session()
    counts = _status_counts(selection)
    page = evaluation_export.worker_page(
        session,
        selection=selection,
        page=page_number(),
        per_page=current_app.config["PAGE_SIZE"],
        total=evaluation_export.selected_count(counts, selection),
    )
    unled = _teams(selection.organisation_id).unled
    filters = _filters(selection)
    key = (
        selection.organisation_id,
        str(get_locale()),
        clock.today().year,  # the years offered
        tuple((choice.value, choice.label) for choice in form.team.choices[1:])
        if not form.team_search
        else None,
        form.team_name.data if form.team_search else None,
        tuple(filters.items()),
    )
    return render_template(
        "hr/evaluations.html",
        form=form,
        filters_html=page_cache("hr-evaluation-filters").get_or_render(
            key, lambda: _filters_html(form)
        ),
        page=page,
        counts=counts,
        filters=filters,
        statuses=EVALUATION_STATUSES,
        pdf_max=current_app.config["EVALUATION_PDF_MAX_WORKERS"],
        unled=unled,
    )


def _filters_html(form: EvaluationFilterForm) -> Markup:
    """The filter form as HTML. A valid one is the same for the same values, teams and
    language: the evaluations page keeps it rendered (its fields cost more than its table)."""
    html = render_template("hr/_evaluation_filters.html", form=form)
    return Markup(html)  # noqa: S704 - our own autoescaped template  # nosec B704


def _status_counts(selection: Selection) -> dict[str, int]:
    """The selection's counts per status. One team's are counted on every request (a team is
    small); the whole organisation's read every active worker, so they are kept for
    OVERVIEW_CACHE_SECONDS like the overview's (and may be that much behind, as those are)."""
    session = db.session()
    if selection.team_id is not None:
        return evaluation_export.status_counts(session, selection=selection)
    key = (selection.organisation_id, selection.year, clock.today())
    seconds = current_app.config["OVERVIEW_CACHE_SECONDS"]
    return page_cache("hr-evaluation-counts").get_or_compute(
        key, lambda: evaluation_export.status_counts(session, selection=selection), seconds=seconds
    )


@dataclass(frozen=True)
class _Teams:
    """What the evaluations page shows of the organisation's teams."""

    listed: list[tuple[int, str]] | None  # the team filter's choices; None: too many to list
    unled: Unled  # the workers nobody can evaluate (reads every team and its leads)


def _teams_key(organisation_id: int) -> tuple:
    return (organisation_id, TEAM_CHOICES_MAX)


def _teams(organisation_id: int) -> _Teams:
    """The teams to list and the workers without a supervisor, kept for OVERVIEW_CACHE_SECONDS
    and forgotten after any change made in the HR area (`_forget_teams`), where teams, their
    leads and their people change."""

    def compute() -> _Teams:
        session = db.session()
        listed = evaluation_export.teams(
            session, organisation_id=organisation_id, limit=TEAM_CHOICES_MAX + 1
        )
        return _Teams(
            listed if len(listed) <= TEAM_CHOICES_MAX else None,
            unled_workers(session, organisation_id=organisation_id),
        )

    seconds = current_app.config["OVERVIEW_CACHE_SECONDS"]
    return page_cache(TEAMS_CACHE).get_or_compute(
        _teams_key(organisation_id), compute, seconds=seconds
    )


@bp.after_request
def _forget_teams(response: Response) -> Response:
    """A change made in the HR area (teams, leads, people, an import) may add a team or give
    one its lead: the evaluations page reads its teams again on its next visit."""
    if request.method != "GET" and response.status_code < 400 and current_user.is_authenticated:
        page_cache(TEAMS_CACHE).forget(_teams_key(current_user.organisation_id))
    return response


def _export_selection() -> Selection:
    form = _filter_form(page=False)
    if not form.validate():
        abort(400)
    return _selection(form)


def _attachment(body: Iterator, selection: Selection, file_format: str) -> Response:
    parts = ["vakbekwaam-jaargesprekken", str(selection.year)]
    if selection.team_id:
        parts.append(f"team{selection.team_id}")
    if selection.status:
        parts.append(selection.status)
    name = "-".join(parts) + "." + file_format
    return Response(
        stream_with_context(body),
        mimetype=MIMETYPES[file_format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


def _recorder(selection: Selection, file_format: str) -> Callable[[int], None]:
    """Audit the export now, before any byte is sent; the returned callable records the rows."""
    session = db.session()
    event_id = evaluation_export.start_export(
        session,
        actor=current_user._get_current_object(),
        file_format=file_format,
        selection=selection,
        now=clock.now(),
    )

    def record(rows: int) -> None:
        evaluation_export.finish_export(
            session,
            event_id=event_id,
            file_format=file_format,
            selection=selection,
            rows_written=rows,
        )

    return record


def _built_file(build: Callable[[IO[bytes]], int], record: Callable[[int], None]) -> Iterator:
    """Build the file into a temporary file (on disk, not in memory), audit, then send it."""
    with tempfile.TemporaryFile() as spool:
        record(build(spool))
        spool.seek(0)
        while chunk := spool.read(CHUNK_BYTES):
            yield chunk


@bp.route("/evaluations/export.csv")
@access.roles(Role.HR, Role.ADMIN)
def evaluations_csv():
    """The selection as CSV (UTF-8 with byte-order mark, for Excel), streamed batch by batch."""
    selection = _export_selection()
    chunks = evaluation_export.csv_chunks(
        db.session(),
        selection=selection,
        today=clock.today(),
        on_done=_recorder(selection, "csv"),
        style=_csv_style(),
    )

    def body() -> Iterator[bytes]:
        yield "\ufeff".encode()
        for chunk in chunks:
            yield chunk.encode()

    return _attachment(body(), selection, "csv")


def _csv_style() -> evaluation_export.CsvStyle:
    """English: the CSV as documented. Dutch: as Dutch Excel opens it (`;`, decimal comma) with
    the codes' Dutch words."""
    if current_locale() != "nl":
        return evaluation_export.ENGLISH_CSV
    words = {code: str(label) for code, label in {**EVALUATION_STATUSES, **STANDINGS}.items()}
    words |= {"yes": _("yes"), "no": _("no")}
    return evaluation_export.CsvStyle(
        delimiter=";", decimal_comma=True, words=words, short_by=_("short by")
    )


@bp.route("/evaluations/export.xlsx")
@access.roles(Role.HR, Role.ADMIN)
def evaluations_xlsx():
    """The selection as an XLSX workbook: the CSV's rows, and a sheet describing the columns."""
    selection = _export_selection()
    today = clock.today()

    def build(spool: IO[bytes]) -> int:
        return evaluation_export.write_xlsx(
            db.session(), selection=selection, today=today, target=spool
        )

    return _attachment(_built_file(build, _recorder(selection, "xlsx")), selection, "xlsx")


def _pdf_introduction(selection: Selection, today) -> list[str]:
    team = None
    if selection.team_id:
        team = evaluation_export.team_named(
            db.session(), organisation_id=selection.organisation_id, team_id=selection.team_id
        )
    status = EVALUATION_STATUSES.get(selection.status) if selection.status else None
    # Each text its own gettext call: one nested in another's arguments is not extracted.
    all_teams, all_statuses = _("all teams"), _("all statuses")
    return [
        _("Team: %(team)s", team=team[1] if team else all_teams),
        _("Status: %(status)s", status=status or all_statuses),
        _(
            "Portfolio figures as of %(date)s; a signed evaluation shows the figures both signed.",
            date=format_date(as_of_for(selection.year, today)),
        ),
    ]


@bp.route("/evaluations/export.pdf")
@access.roles(Role.HR, Role.ADMIN)
def evaluations_pdf():
    """The selection as PDF: one section per worker with their figures and a chart; refused
    above EVALUATION_PDF_MAX_WORKERS workers (a chart each takes time)."""
    selection = _export_selection()
    limit = current_app.config["EVALUATION_PDF_MAX_WORKERS"]
    count = evaluation_export.worker_count(db.session(), selection=selection)
    if count > limit:
        flash(
            _(
                "A PDF holds at most %(max)d workers, and these filters select %(count)d. "
                "Choose a team or a status to select fewer, or download CSV or Excel, which "
                "hold any number.",
                max=limit,
                count=count,
            ),
            "error",
        )
        return redirect(url_for("hr.evaluations", **_filters(selection)))
    today = clock.today()
    introduction = _pdf_introduction(selection, today)

    def build(spool: IO[bytes]) -> int:
        # reportlab and matplotlib: imported by the processes that write a PDF only.
        from portfolio.hr.evaluation_sections import section_for
        from portfolio.services.evaluations import evaluation_pdf

        written = 0

        def sections():
            nonlocal written
            for batch in evaluation_export.worker_batches(
                db.session(), selection=selection, today=today
            ):
                for worker, facts in batch:
                    written += 1
                    yield section_for(worker, facts)

        evaluation_pdf.write_pdf(
            spool,
            title=_("Yearly evaluations %(year)d", year=selection.year),
            introduction=introduction,
            sections=sections(),
            chart_caption=_(
                "Each chart shows a registration's requirements as a percentage of "
                "what is required; the dashed line is 100%."
            ),
            empty=_("No worker matches these filters."),
        )
        return written

    return _attachment(_built_file(build, _recorder(selection, "pdf")), selection, "pdf")
