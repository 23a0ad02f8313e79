"""The target group of every coverage figure: the selector bound to the URL (`group`, default
18+), its names, and the sentences that say what the denominator is (source, year, method),
shared by the overview and the coverage page."""

from __future__ import annotations

import streamlit as st

from dashboard import format as fmt
from dashboard import shell, widgets
from queries.groups import DEFAULT_GROUP, GROUPS

GSO_SOURCE = "GSO Population and Housing Census 2019"
# Text keys cannot hold "+" or "-": each group's key suffix.
_KEY = {"all": "all", "18+": "18plus", "12-17": "12_17", "5-11": "5_11", "50+": "50plus",
        "65+": "65plus"}  # fmt: skip


def name(ctx: shell.Context, group: str) -> str:
    return ctx.t(f"group_{_KEY[group]}")


def short(ctx: shell.Context, group: str) -> str:
    return ctx.t(f"group_short_{_KEY[group]}")


def selector(ctx: shell.Context, kind: str = "select") -> str:
    """The group control (the URL's `group`), with the denominator's method on hover."""
    return widgets.url_option(
        ctx, "group", GROUPS, DEFAULT_GROUP, ctx.t("group_label"), lambda g: name(ctx, g),
        kind=kind, help=ctx.t("group_help"),
    )  # fmt: skip


def _source(ctx: shell.Context, source: str | None, short_form: bool) -> str:
    if not source:
        return "—"
    if source == GSO_SOURCE:
        return ctx.t("group_source_gso_short" if short_form else "group_source_gso")
    return source


def denominator_text(
    ctx: shell.Context, group: str, origin: dict | None, *, short_form: bool = False
) -> str:
    """What the denominator is: the census total, or an estimate for the group in a year
    (`origin`: queries.coverage.population_source)."""
    origin = origin or {}
    source = _source(ctx, origin.get("source"), short_form)
    census = origin.get("method") == "census" or group == "all"
    key = "group_denominator_" + ("short_" if short_form else "")
    key += "census" if census else "estimate"
    return ctx.t(key, group=short(ctx, group), year=origin.get("year") or "—", source=source)


def unknown_note(ctx: shell.Context, unknown: int) -> None:
    """How many vaccinated people have no valid birth year (counted in all ages only)."""
    if unknown and int(unknown) > 0:
        st.caption(ctx.t("group_unknown_birth_year", n=fmt.number(int(unknown), ctx.lang)))
