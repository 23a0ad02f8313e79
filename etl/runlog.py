"""Keeping the run log (`etl_run`) short under `etl watch`: a run that found nothing new
replaces the quiet run just before it instead of adding a row, so a loader polling every minute
through a night without changes leaves one row (with how many quiet runs it stands for and
since when), not hundreds. Runs that loaded or rejected rows, failed or were interrupted are
all kept."""

from __future__ import annotations

import json
from datetime import datetime

import sqlalchemy as sa

from warehouse import schema


def quiet_details(details: dict, run_id: int, started: datetime, conn: sa.Connection) -> dict:
    """`details` of the quiet run `run_id` (started at `started`) marked as quiet; when the run
    before it in the log was quiet too, that row is deleted and its count carried on."""
    run = schema.etl_run
    previous = conn.execute(
        sa.select(run.c.run_id, run.c.status, run.c.details)
        .where(run.c.run_id < run_id)
        .order_by(run.c.run_id.desc())
        .limit(1)
    ).first()
    count, since = 1, started.isoformat()
    if previous is not None and previous.status == "success" and previous.details:
        try:
            before = json.loads(previous.details)
        except ValueError:
            before = {}
        if before.get("quiet"):
            count = int(before.get("quiet_runs", 1)) + 1
            since = before.get("quiet_since", since)
            conn.execute(run.delete().where(run.c.run_id == previous.run_id))
    return {**details, "quiet": True, "quiet_runs": count, "quiet_since": since}
