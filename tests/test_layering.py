"""Import direction between the packages: dashboard -> queries -> warehouse <- etl; simulator alone.

Every .py file of each package is parsed with `ast`; packages that do not exist yet are skipped.
The checkers are also run on small synthetic trees so that a violation is known to be caught.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

PACKAGES = ("dashboard", "queries", "warehouse", "etl", "simulator")

# Top-level modules that each package must not import.
FORBIDDEN_IMPORTS: dict[str, frozenset[str]] = {
    "warehouse": frozenset({"streamlit", "etl", "queries", "dashboard", "simulator"}),
    "queries": frozenset({"streamlit", "etl", "dashboard", "simulator"}),
    "etl": frozenset({"streamlit", "queries", "dashboard", "simulator"}),
    "simulator": frozenset({"streamlit", "etl", "warehouse", "queries", "dashboard"}),
    "dashboard": frozenset({"etl", "simulator"}),
}

# The product reads nothing from the shared folder beside the repository (only tests may).
SHARED_PATH_MARKERS = (b"../shared", b"/shared/data")
NOT_PRODUCT = frozenset({"tests", "bench", "data"})
SKIPPED_DIRS = frozenset({"__pycache__", "node_modules"})


def module_name(path: Path, root: Path) -> str:
    """Dotted module name of a .py file under ``root`` (``pkg/sub/__init__.py`` -> ``pkg.sub``)."""
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(source: str, module: str, is_package: bool = False) -> set[str]:
    """Top-level names of every module imported by ``source`` (the code of ``module``).

    Covers ``import x``, ``from x import y``, relative imports (resolved against ``module``) and
    ``importlib.import_module("x")`` / ``__import__("x")`` with a literal name.
    """
    package = module.split(".") if is_package else module.split(".")[:-1]
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0:
                found.add((node.module or "").split(".")[0])
            else:
                base = package[: len(package) - (node.level - 1)] if node.level > 1 else package
                target = [*base, *(node.module.split(".") if node.module else [])]
                if target:
                    found.add(target[0])
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0]
            if (
                name in {"import_module", "__import__"}
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                found.add(first.value.split(".")[0])
    found.discard("")
    return found


def python_files(directory: Path) -> list[Path]:
    return sorted(
        path for path in directory.rglob("*.py") if not SKIPPED_DIRS.intersection(path.parts)
    )


def layering_violations(root: Path) -> list[str]:
    """Every forbidden import found in the packages under ``root``."""
    problems = []
    for package, forbidden in FORBIDDEN_IMPORTS.items():
        directory = root / package
        if not directory.is_dir():
            continue
        for path in python_files(directory):
            source = path.read_text(encoding="utf-8")
            name = module_name(path, root)
            imported = imported_modules(source, name, is_package=path.name == "__init__.py")
            for bad in sorted(imported & forbidden):
                problems.append(f"{path.relative_to(root)} imports {bad}")
    return problems


def product_directories(root: Path) -> list[Path]:
    """Top-level folders of the product: everything but tests, benchmarks, data and dot-folders."""
    return sorted(
        path
        for path in root.iterdir()
        if path.is_dir() and not path.name.startswith(".") and path.name not in NOT_PRODUCT
    )


def shared_path_violations(root: Path) -> list[str]:
    """Every product file that names the shared folder beside the repository."""
    problems = []
    for directory in product_directories(root):
        for path in sorted(directory.rglob("*")):
            if not path.is_file() or SKIPPED_DIRS.intersection(path.parts):
                continue
            content = path.read_bytes()
            for marker in SHARED_PATH_MARKERS:
                if marker in content:
                    problems.append(f"{path.relative_to(root)} contains {marker.decode()}")
    return problems


# --- the real repository -------------------------------------------------------------------


@pytest.mark.parametrize("package", PACKAGES)
def test_package_respects_layering(package: str) -> None:
    if not (ROOT / package).is_dir():
        pytest.skip(f"{package}/ does not exist yet")
    problems = [p for p in layering_violations(ROOT) if p.startswith(f"{package}/")]
    assert problems == [], "forbidden imports:\n" + "\n".join(problems)


def test_product_does_not_read_shared_folder() -> None:
    problems = shared_path_violations(ROOT)
    assert problems == [], "product files naming the shared folder:\n" + "\n".join(problems)


# --- the checkers catch violations ---------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "module", "expected"),
    [
        ("import streamlit as st", "queries.weekly", {"streamlit"}),
        ("import streamlit.testing.v1", "etl.load", {"streamlit"}),
        ("from streamlit import cache_data", "warehouse.schema", {"streamlit"}),
        ("from etl.load import run", "queries.weekly", {"etl"}),
        ("from . import schema", "warehouse.engine", {"warehouse"}),
        ("from .schema import tables", "warehouse.engine", {"warehouse"}),
        ("from ..queries import weekly", "etl.steps.load", {"etl"}),  # etl.queries
        ("from ...queries import weekly", "etl.steps.load", {"queries"}),
        (
            "import importlib\nimportlib.import_module('dashboard.app')",
            "etl.x",
            {"importlib", "dashboard"},
        ),
        ("__import__('streamlit')", "simulator.core", {"streamlit"}),
        ("def f():\n    import queries.weekly\n", "simulator.core", {"queries"}),
        ("import os, sys", "etl.cli", {"os", "sys"}),
    ],
)
def test_imported_modules(source: str, module: str, expected: set[str]) -> None:
    assert imported_modules(source, module) == expected


def test_relative_import_in_package_init() -> None:
    assert imported_modules("from . import engine", "warehouse", is_package=True) == {"warehouse"}
    assert imported_modules("from .. import x", "etl.steps", is_package=True) == {"etl"}


def _write(root: Path, relative: str, content: str) -> None:
    path = root / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(content, encoding="utf-8")


def test_layering_checker_detects_violations(tmp_path: Path) -> None:
    _write(tmp_path, "queries/__init__.py", "")
    _write(tmp_path, "queries/weekly.py", "import streamlit as st\nfrom warehouse import schema\n")
    _write(tmp_path, "warehouse/__init__.py", "from .schema import tables\n")
    _write(tmp_path, "warehouse/schema.py", "from queries.weekly import x\n")
    _write(tmp_path, "etl/load.py", "import warehouse\nfrom simulator import platform\n")
    _write(tmp_path, "etl/sub/step.py", "from ...queries import weekly\n")
    _write(tmp_path, "simulator/core.py", "import etl\n")
    _write(tmp_path, "dashboard/app.py", "import streamlit\nimport queries\nimport etl\n")

    assert sorted(layering_violations(tmp_path)) == sorted(
        [
            "queries/weekly.py imports streamlit",
            "warehouse/schema.py imports queries",
            "etl/load.py imports simulator",
            "etl/sub/step.py imports queries",
            "simulator/core.py imports etl",
            "dashboard/app.py imports etl",
        ]
    )


def test_layering_checker_accepts_allowed_directions(tmp_path: Path) -> None:
    _write(tmp_path, "dashboard/app.py", "import streamlit\nfrom queries import weekly\n")
    _write(tmp_path, "queries/weekly.py", "import sqlalchemy\nfrom warehouse import schema\n")
    _write(tmp_path, "etl/load.py", "from warehouse.schema import tables\n")
    _write(tmp_path, "simulator/core.py", "import numpy\nfrom simulator import people\n")
    assert layering_violations(tmp_path) == []


def test_shared_path_checker(tmp_path: Path) -> None:
    _write(tmp_path, "etl/load.py", "SOURCE = '../shared/platform.db'\n")
    _write(tmp_path, "queries/sql/weekly.sql", "-- see /work/shared/data/x\n")
    _write(tmp_path, "dashboard/app.py", "TITLE = 'shared data'\n")
    _write(tmp_path, "tests/conftest.py", "SHARED = '../shared/data'\n")
    _write(tmp_path, "bench/run.py", "DATA = '/shared/data'\n")
    assert shared_path_violations(tmp_path) == [
        "etl/load.py contains ../shared",
        "queries/sql/weekly.sql contains /shared/data",
    ]


def test_settings_module_imports_nothing_of_the_project() -> None:
    """Every package may read `settings`, so it must depend on none of them."""
    source = (ROOT / "settings.py").read_text(encoding="utf-8")
    assert imported_modules(source, "settings") & set(PACKAGES) == set()


def test_dashboard_reaches_the_warehouse_only_through_its_engine_set_up() -> None:
    """Pages and widgets read through `queries/`; only `dashboard/cached.py` (and the users
    command line, which runs without Streamlit) opens the warehouse, with `warehouse.engine`."""
    found = []
    for path in python_files(ROOT / "dashboard"):
        rel = path.relative_to(ROOT)
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = []
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.module:
                names = [f"{node.module}.{a.name}" for a in node.names]
            for name in names:
                if name.split(".")[0] != "warehouse":
                    continue
                opener = str(rel) in ("dashboard/cached.py", "dashboard/users.py")
                if not opener or name != "warehouse.engine":
                    found.append(f"{rel}: {name}")
    assert found == []
