"""Invented Vietnamese personal names and the text mess seen on the platform."""

from __future__ import annotations

import unicodedata

import numpy as np

# Family names with rough frequencies (Trần is notably common in Nam Định).
FAMILY = (
    ("Nguyễn", 33),
    ("Trần", 16),
    ("Phạm", 8),
    ("Vũ", 6),
    ("Lê", 6),
    ("Đỗ", 4),
    ("Hoàng", 3),
    ("Bùi", 3),
    ("Đặng", 2.5),
    ("Ngô", 2),
    ("Mai", 2),
    ("Đinh", 1.8),
    ("Phan", 1.5),
    ("Lương", 1.2),
    ("Đoàn", 1.2),
    ("Trịnh", 1.2),
    ("Dương", 1),
    ("Hà", 0.9),
    ("Cao", 0.8),
    ("Tạ", 0.7),
    ("Lưu", 0.6),
    ("Triệu", 0.5),
    ("Tống", 0.5),
    ("Đào", 0.8),
    ("Lại", 0.5),
    ("Hồ", 0.5),
    ("Vương", 0.3),
    ("Phùng", 0.4),
    ("Đồng", 0.3),
    ("Khúc", 0.2),
)
MIDDLE_M_OLD = (
    ("Văn", 60),
    ("Đức", 8),
    ("Quang", 5),
    ("Hữu", 6),
    ("Xuân", 5),
    ("Công", 5),
    ("Đình", 5),
    ("Ngọc", 3),
    ("Minh", 3),
)
MIDDLE_M_YOUNG = (
    ("Văn", 20),
    ("Đức", 10),
    ("Minh", 12),
    ("Quang", 8),
    ("Hoàng", 6),
    ("Anh", 6),
    ("Tuấn", 5),
    ("Gia", 6),
    ("Bảo", 5),
    ("Thành", 5),
    ("Hữu", 4),
    ("Xuân", 3),
    ("Trung", 4),
    ("Duy", 4),
    ("Nhật", 3),
)
MIDDLE_F_OLD = (
    ("Thị", 80),
    ("Thu", 4),
    ("Ngọc", 3),
    ("Thanh", 4),
    ("Hồng", 3),
    ("Kim", 3),
    ("Minh", 2),
)
MIDDLE_F_YOUNG = (
    ("Thị", 25),
    ("Thu", 8),
    ("Ngọc", 10),
    ("Thanh", 7),
    ("Minh", 7),
    ("Phương", 6),
    ("Bảo", 6),
    ("Khánh", 6),
    ("Hà", 5),
    ("Thùy", 5),
    ("Diệu", 3),
    ("Hải", 3),
    ("Mai", 3),
    ("Quỳnh", 3),
)
GIVEN_M = (
    "Hùng",
    "Dũng",
    "Tuấn",
    "Minh",
    "Nam",
    "Long",
    "Hải",
    "Sơn",
    "Thắng",
    "Hiếu",
    "Quân",
    "Duy",
    "Khoa",
    "Phúc",
    "Bảo",
    "Hoàng",
    "Đức",
    "Trung",
    "Cường",
    "Thành",
    "Tùng",
    "Việt",
    "Huy",
    "Khánh",
    "An",
    "Đạt",
    "Kiên",
    "Lâm",
    "Toàn",
    "Nghĩa",
    "Hòa",
    "Bình",
    "Lợi",
    "Tài",
    "Phong",
    "Vinh",
    "Quang",
    "Hưng",
    "Thịnh",
    "Tiến",
    "Trường",
    "Chiến",
    "Thanh",
    "Định",
    "Đông",
    "Giang",
    "Hậu",
    "Khải",
    "Lực",
    "Mạnh",
    "Ninh",
    "Phương",
    "Quyết",
    "Tâm",
    "Thái",
    "Thuận",
    "Trọng",
    "Tú",
    "Văn",
    "Vũ",
    "Đăng",
    "Khôi",
    "Nhật",
    "Sáng",
    "Bắc",
)
GIVEN_F = (
    "Lan",
    "Hương",
    "Hoa",
    "Mai",
    "Linh",
    "Trang",
    "Hằng",
    "Nga",
    "Thủy",
    "Hà",
    "Huyền",
    "Phương",
    "Thảo",
    "Yến",
    "Ngọc",
    "Anh",
    "Vy",
    "Nhung",
    "Hạnh",
    "Dung",
    "Loan",
    "Liên",
    "Tâm",
    "Oanh",
    "Hiền",
    "Giang",
    "Chi",
    "Ngân",
    "My",
    "Trâm",
    "Thư",
    "Nhi",
    "Vân",
    "Quỳnh",
    "Thoa",
    "Huệ",
    "Lý",
    "Tuyết",
    "Xuân",
    "Thu",
    "Nhàn",
    "Hậu",
    "Duyên",
    "Hồng",
    "Bích",
    "Diệp",
    "Đào",
    "Gấm",
    "Hải",
    "Lệ",
    "Mơ",
    "Nguyệt",
    "Phượng",
    "Quyên",
    "Sen",
    "Thắm",
    "Uyên",
    "Vui",
    "Đông",
    "Khuê",
    "Minh",
    "Ánh",
    "Diễm",
    "Hân",
    "Ly",
)

_S = np.dtypes.StringDType()


def _weighted(rng: np.random.Generator, table, n: int) -> np.ndarray:
    words = np.array([w for w, _ in table], dtype=_S)
    p = np.array([f for _, f in table], dtype=float)
    return words[rng.choice(len(words), size=n, p=p / p.sum())]


def _uniform(rng: np.random.Generator, words, n: int) -> np.ndarray:
    arr = np.array(words, dtype=_S)
    return arr[rng.integers(0, len(arr), size=n)]


def full_names(rng: np.random.Generator, male: np.ndarray, birth_year: np.ndarray) -> np.ndarray:
    """Family + middle + given name; older generations use Văn / Thị far more often."""
    n = len(male)
    fam = _weighted(rng, FAMILY, n)
    young = birth_year >= 1985
    mid = np.empty(n, dtype=_S)
    for is_m, is_young, table in (
        (True, False, MIDDLE_M_OLD),
        (True, True, MIDDLE_M_YOUNG),
        (False, False, MIDDLE_F_OLD),
        (False, True, MIDDLE_F_YOUNG),
    ):
        sel = (male == is_m) & (young == is_young)
        mid[sel] = _weighted(rng, table, int(sel.sum()))
    giv = np.where(male, _uniform(rng, GIVEN_M, n), _uniform(rng, GIVEN_F, n))
    # Some young people carry a two-word given name (e.g. "Nguyễn Ngọc Bảo Anh").
    two = young & (rng.random(n) < 0.12)
    extra = np.where(male, _uniform(rng, GIVEN_M, n), _uniform(rng, GIVEN_F, n))
    giv = np.where(two, np.strings.add(np.strings.add(extra, " "), giv), giv)
    return np.strings.add(np.strings.add(np.strings.add(np.strings.add(fam, " "), mid), " "), giv)


def person_names(rng: np.random.Generator, n: int) -> np.ndarray:
    """Names of staff (adults of working age), as plain Python strings."""
    male = rng.random(n) < 0.5
    year = rng.integers(1965, 1992, size=n)
    return full_names(rng, male, year).astype(object)


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def mess_text(
    rng: np.random.Generator, values: np.ndarray, p_nfd: float, p_space: float, p_eth: float
) -> np.ndarray:
    """Return a copy of `values` (object array of str) with platform-style damage on some rows.

    NFD decomposition, a doubled inner space or a trailing space, and U+00D0 (Ð, Icelandic eth)
    typed for U+0110 (Đ).
    """
    out = values.copy()
    n = len(out)
    u = rng.random((n, 4))
    for i in np.flatnonzero(u[:, 2] < p_eth):
        if "Đ" in out[i]:
            out[i] = out[i].replace("Đ", "\u00d0", 1)
    for i in np.flatnonzero(u[:, 1] < p_space):
        s = out[i]
        if u[i, 3] < 0.5 and " " in s:
            out[i] = s.replace(" ", "  ", 1)
        else:
            out[i] = s + " "
    for i in np.flatnonzero(u[:, 0] < p_nfd):
        out[i] = nfd(out[i])
    return out
