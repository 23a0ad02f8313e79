"""Integer codes of the campaign log, and the platform's names for them (indexed by code).

The day loop records visits and ledger movements as small integers; `visits.py` and `stock.py`
turn them into the platform's text values through the name tuples below.
"""

from __future__ import annotations

# Screening outcomes of a visit.
O_INJECTED, O_DEFERRED, O_CONTRA, O_REFERRED = 0, 1, 2, 3
SCREENING = ("eligible", "deferred", "contraindicated", "referred")

# Why a person was deferred, contraindicated or referred.
REASONS = (
    "acute_illness",
    "fever",
    "uncontrolled_chronic",
    "recent_covid",
    "pregnancy",
    "allergy_history",
    "recent_other_vaccine",
    "other",
)
R_ACUTE, R_FEVER, R_CHRONIC, R_COVID, R_PREG, R_ALLERGY, R_OTHERVAX, R_OTHER = range(8)

# Kind of dose.
KINDS = ("primary", "additional", "booster")
K_PRIMARY, K_ADDITIONAL, K_BOOSTER = range(3)

# Stock ledger movements and waste reasons.
TXN_TYPES = ("receipt", "transfer_out", "transfer_in", "administered", "wasted", "adjustment")
X_RECEIPT, X_OUT, X_IN, X_ADMIN, X_WASTE, X_ADJ = range(6)
WASTE_REASONS = ("opened_vial_expired", "broken", "cold_chain", "expired", "other")
W_OPENED, W_BROKEN, W_COLD, W_EXPIRED, W_OTHER = range(5)
