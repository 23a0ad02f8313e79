"""The view's people due for a dose (`queries.due.classify` of those waiting at the end of the
period under the dose intervals in use), built once per view and intervals: the overview's
summary and the coverage page's "who is due" section show the same counts."""

from __future__ import annotations

import pandas as pd

from dashboard import shell
from queries import due as due_q


def counts(ctx: shell.Context, intervals: due_q.DoseIntervals) -> pd.DataFrame:
    """Counts per commune, vaccine and dose waited for (shared: never change the frame)."""
    return ctx.built(
        "due_counts",
        lambda: due_q.classify(ctx.read(due_q.waiting_for_period), ctx.period.end, intervals),
        intervals,
    )
