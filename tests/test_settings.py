"""Settings: every `VAX_*` variable the product reads is declared in `settings.py`, read only
there, and documented in the README's configuration table (and nothing more is documented)."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

import settings

PRODUCT = ("dashboard", "etl", "queries", "simulator", "warehouse")
NAME = re.compile(r"\bVAX_[A-Z0-9_]+\b")


def product_files():
    for package in PRODUCT:
        yield from sorted((ROOT / package).rglob("*.py"))


def readme_variables() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"^\| `(VAX_[A-Z0-9_]+)` \|", section, flags=re.MULTILINE)


def test_readme_documents_exactly_the_settings():
    documented = readme_variables()
    assert len(documented) == len(set(documented)), "a variable is documented twice"
    assert set(documented) == set(settings.VARIABLES)


def test_no_product_module_reads_a_setting_from_the_environment_itself():
    offenders = []
    for path in product_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if re.search(r"environ\b|getenv\(", line) and NAME.search(line):
                offenders.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert offenders == []


def test_every_variable_the_product_names_is_a_declared_setting():
    named = {
        (name, str(path.relative_to(ROOT)))
        for path in product_files()
        for name in NAME.findall(path.read_text(encoding="utf-8"))
    }
    unknown = sorted(pair for pair in named if pair[0] not in settings.VARIABLES)
    assert unknown == []


def test_reading_an_undeclared_variable_is_refused():
    with pytest.raises(KeyError):
        settings._get("VAX_NO_SUCH_SETTING")


def test_a_malformed_number_names_the_variable(monkeypatch):
    monkeypatch.setenv("VAX_ETL_PART_ROWS", "many")
    with pytest.raises(ValueError, match="VAX_ETL_PART_ROWS"):
        settings.etl_part_rows()
    monkeypatch.setenv("VAX_ETL_PART_ROWS", " 5000 ")
    assert settings.etl_part_rows() == 5000


def _pins(path) -> list[str]:
    lines = (ROOT / path).read_text(encoding="utf-8").splitlines()
    return sorted(s for s in (line.split("#")[0].strip() for line in lines) if s and s[0] != "-")


def test_pyproject_declares_the_pinned_requirements_with_test_tools_apart():
    import tomllib

    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert sorted(project["dependencies"]) == _pins("requirements.txt")
    assert sorted(project["optional-dependencies"]["test"]) == _pins("requirements-test.txt")
    runtime = {pin.split("==")[0].lower() for pin in project["dependencies"]}
    assert not runtime & {"pytest", "pytest-xdist", "playwright", "ruff"}
