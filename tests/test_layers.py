"""Layering rules (DESIGN "Layers"), checked on the imports in the source: use cases below both
faces, click only in CLI modules, Dash never in models or services, pages never import the CLI."""
from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def _modules(folder: str) -> list[Path]:
    return sorted((ROOT / folder).rglob("*.py"))


def _offenders(folder: str, forbidden: tuple[str, ...]) -> dict[str, list[str]]:
    found = {}
    for path in _modules(folder):
        bad = sorted(n for n in _imports(path) if n.split(".")[0] in forbidden or n.startswith(forbidden))
        if bad:
            found[str(path.relative_to(ROOT))] = bad
    return found


@pytest.mark.parametrize(("folder", "forbidden"), [
    ("skillpulse/services", ("click", "dash", "flask", "skillpulse.dashboard")),
    ("models", ("click", "dash", "flask", "skillpulse.dashboard", "skillpulse.services")),
    ("data", ("click", "dash", "flask", "skillpulse.dashboard", "skillpulse.services",
              "skillpulse.models")),
    ("dashboard/pages", ("click", "skillpulse.dashboard.commands", "skillpulse.dashboard.cli")),
])
def test_layer_imports(folder: str, forbidden: tuple[str, ...]) -> None:
    assert _modules(folder), folder
    assert _offenders(folder, forbidden) == {}


def test_click_only_in_cli_modules() -> None:
    allowed = {ROOT / "dashboard" / "cli.py", *(ROOT / "dashboard" / "commands").glob("*.py")}
    users = {p for folder in ("skillpulse", "data", "models", "dashboard") for p in _modules(folder)
             if "click" in {n.split(".")[0] for n in _imports(p)}}
    assert users - allowed == set()


def test_component_ids_are_defined_once_in_ids() -> None:
    """Every page takes its component ids from dashboard/ids.py (tests use the same constants)."""
    from skillpulse.dashboard import ids

    values = [v for k, v in vars(ids).items() if k.isupper() and isinstance(v, str)]
    assert len(values) == len(set(values))
    for path in _modules("dashboard/pages"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        literal_ids = [kw.value.value for node in ast.walk(tree) if isinstance(node, ast.Call)
                       for kw in node.keywords if kw.arg == "id" and isinstance(kw.value, ast.Constant)]
        assert literal_ids == [], (path.name, literal_ids)
