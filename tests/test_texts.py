"""The interface's text catalogue: every entry in Vietnamese and English, every key the code
names present, no key defined twice."""

from __future__ import annotations

import re

import pytest
from conftest import ROOT

from dashboard import i18n

LITERAL_KEY = re.compile(r"""\b(?:ctx\.t|text|t)\(\s*["']([a-z0-9_]+)["']""")


def test_every_entry_has_both_languages():
    missing = [k for k, v in i18n.TEXTS.items() if not (v.get("vi") and v.get("en"))]
    assert missing == []


def test_every_key_the_dashboard_names_is_in_the_catalogue():
    named = set()
    for path in (ROOT / "dashboard").rglob("*.py"):
        named |= set(LITERAL_KEY.findall(path.read_text(encoding="utf-8")))
    # A key ending in "_" is a prefix the code completes ("certificates_by_" + level).
    assert sorted(k for k in named - set(i18n.TEXTS) if not k.endswith("_")) == []


def test_a_key_defined_in_two_modules_is_refused(tmp_path, monkeypatch):
    package = tmp_path / "texts_twice"
    package.mkdir()
    (package / "__init__.py").write_text("")
    (package / "a.py").write_text('TEXTS = {"k": {"vi": "một", "en": "one"}}\n')
    (package / "b.py").write_text('TEXTS = {"k": {"vi": "hai", "en": "two"}}\n')
    monkeypatch.syspath_prepend(str(tmp_path))
    import texts_twice

    monkeypatch.setattr(i18n, "_catalogue", texts_twice)
    with pytest.raises(KeyError, match="defined twice"):
        i18n._load()
