"""The import rules of DESIGN.md hold for every module."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOMAIN = ("catalogue", "credentials", "community", "storage")
FORBIDDEN_FOR_DOMAIN = ("telegram", "bot", "conversations", "aiohttp.web")
ALLOWED = {
    "storage": set(),
    "catalogue": {"storage"},
    "community": {"storage", "catalogue"},
    "credentials": {"storage", "catalogue", "community"},
    "conversations": {"storage", "catalogue", "community", "credentials"},
}
PROJECT = {"bot", "conversations", "catalogue", "credentials", "community", "storage"}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def _modules(package: str) -> list[Path]:
    return [p for p in (ROOT / package).rglob("*.py") if "node_modules" not in p.parts]


@pytest.mark.parametrize("package", list(ALLOWED))
def test_imports_point_one_way(package: str) -> None:
    """A package imports only the packages below it, and domain code never sees Telegram."""
    wrong = []
    for path in _modules(package):
        for name in _imports(path):
            top = name.split(".")[0]
            if top in PROJECT and top != package and top not in ALLOWED[package]:
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
            if package in DOMAIN and any(
                name == f or name.startswith(f + ".") for f in FORBIDDEN_FOR_DOMAIN
            ):
                wrong.append(f"{path.relative_to(ROOT)} imports {name}")
    assert not wrong, "\n".join(sorted(set(wrong)))
