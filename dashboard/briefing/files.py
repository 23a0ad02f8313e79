"""The briefing's two files made from one gathering of its content, and their names
(`giao-ban-tuan_<area>_<week>.pptx` / `.pdf`)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from dashboard.briefing import content, deck, document
from dashboard.exports import names
from queries.alerts import Thresholds
from queries.scope import Allowed, Scope

STEPS = ("data", "deck", "pdf")


@dataclass(frozen=True)
class Made:
    stem: str
    pptx: bytes
    pdf: bytes
    briefing: content.Briefing


def stem(area: str, week: str, lang: str) -> str:
    title = "giao-ban-tuan" if lang == "vi" else "weekly-briefing"
    return f"{title}_{names.slug(area)}_{week}"


def make(
    conn: sa.Connection,
    scope: Scope,
    week: str,
    lang: str = "vi",
    thresholds: Thresholds | None = None,
    progress: Callable[[str], None] | None = None,
    allowed: Allowed | None = None,
) -> Made:
    """Both files, for a user who may see `allowed` (default: the province); `progress(step)`
    is called before each of STEPS."""
    step = progress or (lambda _: None)
    step("data")
    b = content.gather(conn, scope, week, lang, thresholds, allowed)
    step("deck")
    pptx = deck.deck(b)
    step("pdf")
    pdf = document.document(b)
    return Made(stem(b.area, week, lang), pptx, pdf, b)


def save(made: Made, out: Path) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    paths = [out / f"{made.stem}.pptx", out / f"{made.stem}.pdf"]
    paths[0].write_bytes(made.pptx)
    paths[1].write_bytes(made.pdf)
    return paths
