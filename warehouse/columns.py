"""The column types and the metadata every warehouse table is declared with."""

from __future__ import annotations

import sqlalchemy as sa

metadata = sa.MetaData()

# Text compares byte by byte on PostgreSQL (COLLATE "C"): identifiers and codes need no
# linguistic order, and byte order lets the server sort and index keys several times faster
# than a libc locale. For UTF-8 text it is the code point order C.UTF-8 also gives.
T = sa.Text().with_variant(sa.Text(collation="C"), "postgresql")
I = sa.Integer  # noqa: E741 - short aliases keep the table definitions readable
F = sa.Float
D = sa.Date
TS = sa.DateTime(timezone=True)


def _col(name: str, type_, pk: bool = False, nullable: bool = True) -> sa.Column:
    return sa.Column(name, type_, primary_key=pk, nullable=nullable and not pk)
