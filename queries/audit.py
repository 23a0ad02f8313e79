"""The audit log (sign-ins and failures, sign-outs, exports, refused requests), newest first."""

from __future__ import annotations

import pandas as pd
import sqlalchemy as sa

EVENTS_SHOWN = 500


def events(conn: sa.Connection, limit: int = EVENTS_SHOWN) -> pd.DataFrame:
    """The latest audit rows: at, user_name, event, what, scope_code."""
    return pd.read_sql_query(
        sa.text(
            "SELECT at, user_name, event, what, scope_code FROM audit_log "
            "ORDER BY event_id DESC LIMIT :n"
        ),
        conn,
        params={"n": int(limit)},
    )
