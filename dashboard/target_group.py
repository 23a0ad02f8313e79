"""The target group of every coverage figure: the selector bound to the URL (`group`, default
18+), its names, and the sentences that say what the denominator is (source, year, method),
shared by the overview and the coverage page."""

from __future__ import annotations

import streamlit as st

from dashboard import format as fmt
from dashboard import group_text, shell, widgets
from queries.groups import DEFAULT_GROUP, GROUPS

GSO_SOURCE = group_text.GSO_SOURCE


def name(ctx: shell.Context, group: str) -> str:
    return group_text.name(group, ctx.lang)


def short(ctx: shell.Context, group: str) -> str:
    return group_text.short(group, ctx.lang)


def selector(ctx: shell.Context, kind: str = "select") -> str:
    """The group control (the URL's `group`), with the denominator's method on hover."""
    return widgets.url_option(
        ctx, "group", GROUPS, DEFAULT_GROUP, ctx.t("group_label"), lambda g: name(ctx, g),
        kind=kind, help=ctx.t("group_help"),
    )  # fmt: skip


def denominator_text(
    ctx: shell.Context, group: str, origin: dict | None, *, short_form: bool = False
) -> str:
    """What the denominator is: the census total, or an estimate for the group in a year
    (`origin`: queries.coverage.population_source)."""
    return group_text.denominator_text(group, origin, ctx.lang, short_form=short_form)


def unknown_note(ctx: shell.Context, unknown: int) -> None:
    """How many vaccinated people have no valid birth year (counted in all ages only)."""
    if unknown and int(unknown) > 0:
        st.caption(ctx.t("group_unknown_birth_year", n=fmt.number(int(unknown), ctx.lang)))
