"""File names that say what a file is: `bao-phu_huyen-hai-hau_2022-W25.png` (title, area,
period), in ASCII so every mail client, file share and slide tool keeps them intact."""

from __future__ import annotations

import re
import unicodedata
from datetime import date

MAX_TITLE_CHARS = 60


def slug(text: str, limit: int | None = None) -> str:
    """Lower-case ASCII words joined by hyphens: "Huyện Hải Hậu" -> "huyen-hai-hau"."""
    text = unicodedata.normalize("NFKD", str(text).replace("đ", "d").replace("Đ", "D"))
    ascii_text = text.encode("ascii", "ignore").decode("ascii").lower()
    words = re.findall(r"[a-z0-9]+", ascii_text)
    out = "-".join(words)
    if limit and len(out) > limit:
        out = out[:limit].rsplit("-", 1)[0] or out[:limit]
    return out


def period_part(start: date, end: date, week: str | None = None) -> str:
    """The period as a name: the ISO week ("2022-W25") or "2022-06-01_2022-06-30"."""
    if week:
        return week
    return f"{start.isoformat()}_{end.isoformat()}"


def file_name(title: str, area: str, period: str, ext: str) -> str:
    """`<title>_<area>_<period>.<ext>`, each part an ASCII slug; an empty part is left out."""
    parts = [slug(title, MAX_TITLE_CHARS), slug(area), period]
    stem = "_".join(p for p in parts if p) or "export"
    return f"{stem}.{ext.lstrip('.')}"
