"""Every audit action the code records has a label in the audit viewer (templating.AUDIT_ACTIONS).

The actions are read from the source: `….record(…, action=…)` calls (a literal, a name bound to
literals in the same function or the module, or an f-string over such a name) and the rows
bulk-inserted into the audit table (`AuditEvent.__table__`). An action the reader cannot tell
fails the test: write it as a literal (or add it here), and give it a label.
"""

from __future__ import annotations

import ast
import itertools
from collections import defaultdict
from pathlib import Path

from portfolio.models import Role
from portfolio.templating import AUDIT_ACTIONS
from tests.conftest import login
from tests.factories import PASSWORD, make_organisation, make_user

PORTFOLIO = Path(__file__).resolve().parents[1] / "portfolio"
AUDIT_MODULE = PORTFOLIO / "services" / "privacy" / "audit.py"  # defines `record` itself


class Unresolved(Exception):
    """An action expression the reader cannot turn into strings."""


def _bound_values(function: ast.AST, name: str) -> set[str]:
    """The literal strings `name` is bound to in `function` (assignments and for-loops), else
    at the top of its module (a constant)."""
    values: set[str] = set()
    for node in ast.walk(function):
        if isinstance(node, ast.Assign) and any(
            isinstance(t, ast.Name) and t.id == name for t in node.targets
        ):
            values |= _strings(function, node.value)
        elif isinstance(node, ast.For) and isinstance(node.iter, ast.Tuple | ast.List):
            if isinstance(node.target, ast.Name) and node.target.id == name:
                values |= {v for item in node.iter.elts for v in _strings(function, item)}
            elif isinstance(node.target, ast.Tuple):
                positions = [
                    i
                    for i, t in enumerate(node.target.elts)
                    if isinstance(t, ast.Name) and t.id == name
                ]
                for item, i in itertools.product(node.iter.elts, positions):
                    if isinstance(item, ast.Tuple | ast.List):
                        values |= _strings(function, item.elts[i])
    module = getattr(function, "module", None)
    if not values and module is not None:
        for node in module.body:
            if isinstance(node, ast.Assign) and any(
                isinstance(t, ast.Name) and t.id == name for t in node.targets
            ):
                values |= _strings(module, node.value)
    if not values:
        raise Unresolved(name)
    return values


def _strings(function: ast.AST, node: ast.AST) -> set[str]:
    """Every string `node` can be, read from literals in `function`."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return {node.value}
    if isinstance(node, ast.IfExp):
        return _strings(function, node.body) | _strings(function, node.orelse)
    if isinstance(node, ast.Name):
        return _bound_values(function, node.id)
    if isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            inner = value.value if isinstance(value, ast.FormattedValue) else value
            parts.append(sorted(_strings(function, inner)))
        return {"".join(combination) for combination in itertools.product(*parts)}
    raise Unresolved(ast.unparse(node))


def _is_audit_table(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Attribute)
        and node.attr == "__table__"
        and isinstance(node.value, ast.Name)
        and node.value.id == "AuditEvent"
    )


def _bulk_actions(function: ast.AST) -> set[str]:
    """Actions of rows a function bulk-inserts into the audit table: the tuples as long as its
    column tuple, at the position of "action"."""

    def names(node) -> list:
        return [getattr(element, "value", None) for element in node.elts]

    columns = [n for n in ast.walk(function) if isinstance(n, ast.Tuple) and "action" in names(n)]
    found = set()
    for column_tuple in columns:
        width = len(column_tuple.elts)
        at = names(column_tuple).index("action")
        for node in ast.walk(function):
            if isinstance(node, ast.Tuple) and node is not column_tuple and len(node.elts) == width:
                found |= _strings(function, node.elts[at])
    return found


def recorded_actions() -> dict[str, set[str]]:
    """{action: where it is recorded} for everything under portfolio/."""
    actions: dict[str, set[str]] = defaultdict(set)
    for path in sorted(PORTFOLIO.rglob("*.py")):
        if path == AUDIT_MODULE:
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        functions = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)]
        for function in functions:
            function.module = tree  # for names bound at the top of the module
            where = f"{path.relative_to(PORTFOLIO.parent)}:{function.name}"
            for node in ast.walk(function):
                if not isinstance(node, ast.Call):
                    continue
                callee = (
                    node.func.attr
                    if isinstance(node.func, ast.Attribute)
                    else getattr(node.func, "id", None)
                )
                action = next((k.value for k in node.keywords if k.arg == "action"), None)
                if callee not in {"record", "AuditEvent"} or action is None:
                    continue
                try:
                    found = _strings(function, action)
                except Unresolved as unresolved:
                    message = f"{where}: cannot tell the audit action {unresolved}"
                    raise AssertionError(message) from None
                for name in found:
                    actions[name].add(where)
            if any(_is_audit_table(node) for node in ast.walk(function)):
                for name in _bulk_actions(function):
                    actions[name].add(where)
    return dict(actions)


def test_the_reader_finds_literal_named_formatted_and_bulk_inserted_actions():
    actions = recorded_actions()
    assert {"login", "export_evaluations", "evaluation_completed", "person_deactivated"} <= set(
        actions
    )  # literals
    assert {"team_lead_added", "team_lead_removed"} <= set(actions)  # a loop variable
    assert {"entry_signed", "entry_returned"} <= set(actions)  # an f-string over a name
    assert "copy_session" in actions  # a constant of the module
    assert actions["person_updated"] and actions["people_imported"]
    bulk = {
        a
        for a, places in actions.items()
        if "portfolio/services/people/employee_import.py:_audit" in places
    }
    assert {"person_created", "person_updated"} <= bulk  # rows inserted set-based


def test_every_recorded_audit_action_has_a_label():
    unlabelled = {a: where for a, where in recorded_actions().items() if a not in AUDIT_ACTIONS}
    assert unlabelled == {}


def test_the_audit_viewer_shows_the_label_of_an_export(app, db, clock):
    organisation = make_organisation(db)
    admin = make_user(db, organisation, role=Role.ADMIN, locale="en")
    client = app.test_client()
    login(client, admin.email, PASSWORD)
    assert client.get("/hr/evaluations/export.csv?year=2025").status_code == 200
    html = client.get("/admin/audit").get_data(as_text=True)
    assert "Exported the yearly evaluations" in html and "export_evaluations" not in html
