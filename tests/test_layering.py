"""The house rules that a linter cannot see (import-linter checks the layers: `make lint`)."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SERVICES = ROOT / "portfolio" / "services"
REQUEST_SCOPED = {"request", "session", "g"}
# A path of one of our blueprints written into a string.
URL_PATH = re.compile(r"^/(portfolio|team|hr|feedback|sessions|admin|calendar|notifications)(/|$)")


def _service_modules() -> list[Path]:
    return sorted(SERVICES.rglob("*.py"))


def _docstring(tree: ast.Module) -> str:
    return ast.get_docstring(tree) or ""


def test_every_service_module_sits_in_an_area_folder():
    loose = [p.name for p in SERVICES.glob("*.py") if p.name != "__init__.py"]
    assert loose == []


def test_services_take_nothing_from_the_request():
    used = {}
    for path in _service_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module == "flask":
                names = {alias.name for alias in node.names} & REQUEST_SCOPED
                if names:
                    used[path.relative_to(ROOT).as_posix()] = names
    assert used == {}


def test_services_commit_only_where_their_docstring_explains_the_step():
    unexplained = []
    for path in _service_modules():
        tree = ast.parse(path.read_text())
        explained = {
            node.name
            for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and "commit" in _docstring_of(node)
        }
        module_explains = "commits in steps" in _docstring(tree)
        for function in (n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef)):
            for node in ast.walk(function):
                is_commit = (
                    isinstance(node, ast.Call)
                    and isinstance(node.func, ast.Attribute)
                    and node.func.attr == "commit"
                )
                if is_commit and not (module_explains or function.name in explained):
                    unexplained.append(f"{path.relative_to(ROOT)}:{function.name}")
    assert unexplained == []


def _docstring_of(node: ast.FunctionDef) -> str:
    return (ast.get_docstring(node) or "").lower()


def test_services_write_no_url_paths():
    written = []
    for path in _service_modules():
        for node in ast.walk(ast.parse(path.read_text())):
            texts = []
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                texts = [node.value]
            elif isinstance(node, ast.JoinedStr):
                texts = [v.value for v in node.values[:1] if isinstance(v, ast.Constant)]
            written += [
                f"{path.relative_to(ROOT)}:{node.lineno}: {t}" for t in texts if URL_PATH.match(t)
            ]
    assert written == []


def test_the_layering_contract_is_written_down():
    contracts = (ROOT / "pyproject.toml").read_text()
    assert "[tool.importlinter]" in contracts and '"portfolio.services",' in contracts
