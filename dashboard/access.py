"""Who is using the dashboard and what they may do: the signed-in `User`, the area they may see
(`allowed`), the pages they may open and whether they may export. No Streamlit here, so export
code and tests call it directly.

Roles: province (the whole province, exports, the data-quality page), district (their district
with its communes and sites, exports of those), viewer (read-only pages, no exports; the
province or one district).
"""

from __future__ import annotations

from dataclasses import dataclass

from queries.scope import Allowed

PROVINCE_CODE = "36"
PROVINCE_ONLY_PAGES = frozenset({"quality"})


@dataclass(frozen=True)
class User:
    name: str
    role: str  # province, district, viewer
    scope_code: str  # 36 or a district code
    via: str = "password"  # password, provider, development

    @property
    def allowed(self) -> Allowed:
        return Allowed(PROVINCE_CODE if self.role == "province" else self.scope_code)


DEVELOPMENT_USER = User("dev", "province", PROVINCE_CODE, via="development")


def can_export(user: User | None) -> bool:
    """Whether the user may download data or make files (CSV, Excel, images, briefings):
    province and district users, for what they can see; never a viewer."""
    return user is not None and user.role in ("province", "district")


def can_open(user: User | None, page: str) -> bool:
    """Whether the user may open a page (by its name in `navigation.PAGES`)."""
    if user is None:
        return False
    return page not in PROVINCE_ONLY_PAGES or user.role == "province"


def sees_province(user: User | None) -> bool:
    return user is not None and user.allowed.is_province
