"""The allocation page's reasons and tables, from a `queries.allocation.Proposal` (no
Streamlit): each site's "lý do" says the numbers that set its share, in the user's language."""

from __future__ import annotations

import pandas as pd

from dashboard import format as fmt
from dashboard.i18n import text
from queries.allocation import Proposal
from queries.allocation_inputs import WINDOW_DAYS


def _t(key: str, lang: str, **kw) -> str:
    return text(key, lang).format(**kw)


def reason(row: dict, lang: str) -> str:
    """Why the site got what it got (`row` of `Proposal.sites`)."""
    n = {k: fmt.number(row[k], lang) for k in
         ("need", "unvaccinated", "due", "capacity", "stock", "room")}  # fmt: skip
    kind = row["reason"]
    if kind == "no_capacity":
        return _t("alloc_reason_no_capacity", lang, window=WINDOW_DAYS)
    if kind == "no_need":
        return _t("alloc_reason_no_need", lang)
    base = _t("alloc_base", lang, **n)
    share = fmt.percent(row["proposed"] / row["room"], lang) if row["room"] else fmt.MISSING
    line = _t(f"alloc_reason_{kind}", lang, base=base, share=share)
    return line + (_t("alloc_capped", lang) if row["capped"] else "")


def labels(lang: str) -> dict[str, str]:
    keys = ("district", "site", "sites", "need", "capacity", "stock", "days", "room",
            "proposed", "edited", "reason")  # fmt: skip
    return {k: text(f"alloc_col_{k}", lang) for k in keys}


def site_table(proposal: Proposal, lang: str) -> pd.DataFrame:
    """One row per site, most doses first, for the editor: the numbers as values, the edited
    column starting at the proposal."""
    lab = labels(lang)
    df = proposal.sites.sort_values(
        ["district_name", "proposed", "facility_id"], ascending=[True, False, True]
    )
    rows = df.to_dict("records")
    return pd.DataFrame(
        {
            "facility_id": df["facility_id"].to_numpy(),
            lab["district"]: df["district_name"].to_numpy(),
            lab["site"]: df["name"].to_numpy(),
            lab["need"]: df["need"].to_numpy(),
            lab["capacity"]: df["capacity"].to_numpy(),
            lab["stock"]: df["stock"].to_numpy(),
            lab["days"]: df["days_of_stock"].to_numpy(),
            lab["room"]: df["room"].to_numpy(),
            lab["proposed"]: df["proposed"].to_numpy(),
            lab["edited"]: df["proposed"].to_numpy(),
            lab["reason"]: [reason(r, lang) for r in rows],
        }
    ).reset_index(drop=True)


def district_table(sites: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The site table (as edited) summed per district, most allocated first."""
    lab = labels(lang)
    numbers = [lab[k] for k in ("need", "capacity", "stock", "room", "proposed", "edited")]
    out = sites.groupby(lab["district"], as_index=False).agg(
        **{lab["sites"]: (lab["site"], "count")}, **{c: (c, "sum") for c in numbers}
    )
    return out.sort_values([lab["edited"], lab["district"]], ascending=[False, True]).reset_index(
        drop=True
    )


def totals_line(edited_total: int, proposal: Proposal, lang: str) -> tuple[str, str]:
    """("ok" | "off" | "over", the sentence) for the edited total against the proposal."""
    proposed = int(proposal.sites["proposed"].sum())
    total = fmt.number(edited_total, lang)
    if edited_total > proposal.quantity:
        quantity = fmt.number(proposal.quantity, lang)
        return "over", _t("alloc_edited_over", lang, total=total, quantity=quantity)
    if edited_total == proposed:
        return "ok", _t("alloc_edited_ok", lang, total=total)
    diff = fmt.signed(edited_total - proposed, lang)
    return "off", _t(
        "alloc_edited_off", lang, total=total, diff=diff, proposed=fmt.number(proposed, lang)
    )
