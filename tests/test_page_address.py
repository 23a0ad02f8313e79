"""Every page and its address: opening a page adds nothing to the address (so Back takes one
press), and the first change of a filter is kept (it used to snap back on pages that wrote
their own option on load)."""

from __future__ import annotations

import pytest
from page_support import open_page, param

PAGES = ("overview", "coverage", "sites", "screening", "stock", "allocation", "certificates",
         "aefi", "flow", "quality")  # fmt: skip


@pytest.fixture(scope="module")
def tiny(warehouses) -> str:
    return warehouses.tiny()


@pytest.mark.parametrize("page", PAGES)
def test_opening_adds_nothing_and_the_first_change_is_kept(monkeypatch, tiny, page):
    at = open_page(f"app_pages/{page}.py", monkeypatch, tiny, week="2021-W37", district="356")
    assert set(at.query_params) == {"lang", "week", "district"}, dict(at.query_params)
    at.selectbox(key="f_district").set_value("359").run()
    assert not at.exception, [e.message for e in at.exception]
    assert at.selectbox(key="f_district").value == "359"
    assert param(at, "district") == "359"
    assert at.caption[0].value.startswith("Huyện Vụ Bản")
    at.selectbox(key="f_week").set_value("2021-W36").run()
    assert param(at, "week") == "2021-W36" and param(at, "district") == "359"
    assert "06/09/2021 – 12/09/2021" in at.caption[0].value
