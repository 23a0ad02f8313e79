"""Vaccination sites (facility) and vaccine stores (store)."""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from . import config as C
from .names import mess_text, person_names
from .reference import Reference
from .timeutil import day_index, local_day_of, local_midnight

TYPES = ("commune_station", "district_centre", "hospital", "mobile", "private")
T_STATION, T_CENTRE, T_HOSPITAL, T_MOBILE, T_PRIVATE = range(5)

# District centre seat (commune code) per district.
CENTRE_SEAT = {
    "356": "13651",
    "358": "13708",
    "359": "13741",
    "360": "13795",
    "361": "13891",
    "362": "13966",
    "363": "14026",
    "364": "14089",
    "365": "14149",
    "366": "14215",
}
HOSPITALS = (
    ("Bệnh viện Đa khoa tỉnh Nam Định", "13657"),
    ("Bệnh viện Nhi tỉnh Nam Định", "13666"),
    ("Bệnh viện Đa khoa Thành phố Nam Định", "13684"),
    ("Bệnh viện Đa khoa huyện Hải Hậu", "14215"),
    ("Bệnh viện Đa khoa huyện Giao Thủy", "14149"),
    ("Bệnh viện Đa khoa huyện Nghĩa Hưng", "13891"),
)
PRIVATE = (
    ("Trung tâm Tiêm chủng An Khang Nam Định", "13654"),
    ("Phòng khám Đa khoa Hồng Phúc", "13675"),
    ("Phòng khám Đa khoa Thiên Đức", "13690"),
    ("Phòng khám Đa khoa Phúc An Hải Hậu", "14218"),
)
EXTRA_MOBILE = ("356", "366", "360")  # second mobile team in the largest districts


@dataclass
class Sites:
    facilities: pd.DataFrame  # base rows (schema columns + _created)
    facility_changes: pd.DataFrame  # later full-row versions (schema columns + _row)
    stores: pd.DataFrame
    ftype: np.ndarray  # type code per facility
    fdistrict: np.ndarray  # district index per facility
    fcommune: np.ndarray  # commune index per facility
    table_rate: np.ndarray  # doses per table per day at scale 1
    regular_weekday: np.ndarray
    tables_by_day: np.ndarray  # (F, n_days) from day index 0
    active_by_day: np.ndarray  # (F, n_days) bool
    station_of_commune: np.ndarray
    centre_of_district: np.ndarray
    hospitals_of_district: list[np.ndarray] = field(default_factory=list)
    mobiles_of_district: list[np.ndarray] = field(default_factory=list)
    private_of_district: list[np.ndarray] = field(default_factory=list)
    province_hospital: int = 0

    @property
    def n(self) -> int:
        return len(self.facilities)

    def store_of_facility(self, f):
        return 1 + len(self.centre_of_district) + np.asarray(f)


def build_sites(
    ref: Reference, rng: np.random.Generator, start_day: int, horizon_day: int
) -> Sites:
    com = ref.communes
    code_to_idx = {c: i for i, c in enumerate(com["commune_code"])}
    dist_idx = {d: i for i, d in enumerate(ref.district_codes)}
    district_name = dict(zip(com["district_code"], com["district_name"], strict=False))

    rows = []  # (name, type, commune_idx)
    for i, r in com.iterrows():
        rows.append((f"Trạm Y tế {r['commune_name']}", T_STATION, i))
    for d in ref.district_codes:
        rows.append((f"Trung tâm Y tế {district_name[d]}", T_CENTRE, code_to_idx[CENTRE_SEAT[d]]))
    for name, c in HOSPITALS:
        rows.append((name, T_HOSPITAL, code_to_idx[c]))
    for d in ref.district_codes:
        k = 2 if d in EXTRA_MOBILE else 1
        for j in range(1, k + 1):
            rows.append(
                (
                    f"Đội tiêm lưu động số {j} - {district_name[d]}",
                    T_MOBILE,
                    code_to_idx[CENTRE_SEAT[d]],
                )
            )
    for name, c in PRIVATE:
        rows.append((name, T_PRIVATE, code_to_idx[c]))

    n = len(rows)
    names = np.array([r[0] for r in rows], dtype=object)
    ftype = np.array([r[1] for r in rows], dtype=np.int8)
    fcommune = np.array([r[2] for r in rows], dtype=np.int32)
    fdistrict = np.array(
        [dist_idx[d] for d in com["district_code"].to_numpy()[fcommune]], dtype=np.int32
    )
    prefix = {T_STATION: 0, T_CENTRE: 2, T_HOSPITAL: 3, T_MOBILE: 4, T_PRIVATE: 5}
    counters = {t: 0 for t in prefix}
    ids = []
    for t in ftype:
        counters[int(t)] += 1
        ids.append(f"F36{prefix[int(t)]}{counters[int(t)]:03d}")

    pop = com["population_2019"].to_numpy()[fcommune]
    tables = np.where(ftype == T_STATION, np.where(pop > 9000, 2, 1), 0)
    big = rng.integers(3, 9, size=n)
    tables = np.where(np.isin(ftype, (T_CENTRE, T_HOSPITAL)), big, tables)
    tables = np.where(ftype == T_MOBILE, rng.integers(1, 3, size=n), tables)
    tables = np.where(ftype == T_PRIVATE, rng.integers(2, 5, size=n), tables)
    tables = tables.astype(np.int64)
    lo = np.array([C.TABLE_RATE[TYPES[t]][0] for t in ftype])
    hi = np.array([C.TABLE_RATE[TYPES[t]][1] for t in ftype])
    table_rate = rng.uniform(lo, hi)

    lat = com["latitude"].to_numpy()[fcommune] + rng.normal(0, 0.004, n)
    lon = com["longitude"].to_numpy()[fcommune] + rng.normal(0, 0.004, n)
    lat, lon = np.round(lat, 6), np.round(lon, 6)
    lat = lat.astype(object)
    lon = lon.astype(object)
    order = rng.permutation(n)
    n_missing = max(3, round(0.015 * n))
    for i in order[:n_missing]:
        lat[i] = lon[i] = None
    i0, i1 = order[n_missing], order[n_missing + 1]
    lat[i0], lon[i0] = 0.0, 0.0  # a default never filled in
    lat[i1], lon[i1] = lon[i1], lat[i1]  # latitude and longitude swapped

    titles = {
        T_STATION: ("Trạm trưởng", "Phó Trạm trưởng phụ trách"),
        T_CENTRE: ("Giám đốc", "Phó Giám đốc"),
        T_HOSPITAL: ("Giám đốc", "Phó Giám đốc"),
        T_MOBILE: ("Đội trưởng", "Đội trưởng"),
        T_PRIVATE: ("Giám đốc", "Quản lý chuyên môn"),
    }
    pic = person_names(rng, n)
    u = rng.random(n)
    pic_title = np.array(
        [titles[int(t)][0 if x < 0.85 else 1] for t, x in zip(ftype, u, strict=False)], dtype=object
    )
    comm_name = com["commune_name"].to_numpy()[fcommune]
    dist_nm = com["district_name"].to_numpy()[fcommune]
    street_no = rng.integers(1, 300, size=n)
    address = np.array(
        [
            f"Số {s}, {c}, {d}, tỉnh Nam Định"
            if t in (T_HOSPITAL, T_PRIVATE)
            else f"{c}, {d}, tỉnh Nam Định"
            for s, c, d, t in zip(street_no, comm_name, dist_nm, ftype, strict=False)
        ],
        dtype=object,
    )

    vacc = tables * 2 + rng.integers(0, 2, size=n)
    emerg = np.maximum(1, (tables + 1) // 2) + rng.integers(0, 2, size=n)

    created = (
        local_midnight(start_day - 14 + rng.integers(0, 7, size=n))
        + rng.integers(8 * 3600, 17 * 3600, size=n)
    ).astype(np.int64)
    shown_names = mess_text(rng, names, p_nfd=0.03, p_space=0.03, p_eth=0.3)
    base = pd.DataFrame(
        {
            "facility_id": ids,
            "name": shown_names,
            "facility_type": [TYPES[t] for t in ftype],
            "commune_code": com["commune_code"].to_numpy()[fcommune],
            "address": address,
            "latitude": lat,
            "longitude": lon,
            "tables_count": tables,
            "vaccinators_count": vacc,
            "emergency_staff_count": emerg,
            "person_in_charge": mess_text(rng, pic, 0.03, 0.02, 0.2),
            "person_in_charge_title": pic_title,
            "active": np.ones(n, dtype=np.int64),
            "updated_at": created,
            "_created": created,
        }
    )

    # Later versions: surge tables in September 2021, back in spring 2022; mobile teams stood
    # down in mid-2022; a few heads replaced.
    n_days = horizon_day + 2
    tables_by_day = np.repeat(tables[:, None], n_days, axis=1)
    active_by_day = np.ones((n, n_days), dtype=bool)
    events: list[tuple[int, int, dict]] = []  # (facility, moment, new values)

    def add_change(i: int, ts: int, **cols):
        events.append(
            (i, max(int(ts), int(created[i]) + 86400), cols)
        )  # never before the row exists

    def at(day: int) -> int:
        return int(local_midnight(day) + rng.integers(8 * 3600, 18 * 3600))

    surge_day = day_index("2021-09-01")
    back_day = day_index("2022-03-01")
    for i in range(n):
        t = int(ftype[i])
        up = (
            (t == T_STATION and rng.random() < 0.2)
            or t == T_CENTRE
            or (t == T_HOSPITAL and rng.random() < 0.5)
        )
        if up and start_day < back_day:
            d1 = max(start_day + 1, surge_day + int(rng.integers(0, 21)))
            k = 1 if t == T_STATION else 2
            new_t = int(tables[i]) + k
            add_change(
                i,
                at(d1),
                tables_count=new_t,
                vaccinators_count=new_t * 2 + int(rng.integers(0, 2)),
                emergency_staff_count=max(1, (new_t + 1) // 2) + int(rng.integers(0, 2)),
            )
            if rng.random() < 0.6:
                d2 = max(back_day, d1 + 30) + int(rng.integers(0, 60))
                add_change(
                    i,
                    at(d2),
                    tables_count=int(tables[i]),
                    vaccinators_count=int(vacc[i]),
                    emergency_staff_count=int(emerg[i]),
                )
        if t == T_MOBILE and rng.random() < 0.3:
            add_change(i, at(day_index("2022-05-01") + int(rng.integers(0, 61))), active=0)
        if rng.random() < 0.05:
            add_change(
                i,
                at(start_day + int(rng.integers(30, 450))),
                person_in_charge=person_names(rng, 1)[0],
                person_in_charge_title=titles[t][0],
            )

    # Apply each site's changes in time order; capacity follows the versions.
    state = base.drop(columns=["_created"]).to_dict("records")
    changes = []
    for i, ts, cols in sorted(events, key=lambda e: (e[0], e[1])):
        rec = dict(state[i])
        rec.update(cols)
        rec["updated_at"] = ts
        state[i] = dict(rec)
        rec["_row"] = i
        changes.append(rec)
        day = int(local_day_of(ts))
        if day < n_days:
            if "tables_count" in cols:
                tables_by_day[i, day:] = cols["tables_count"]
            if "active" in cols:
                active_by_day[i, day:] = bool(cols["active"])
    ch = pd.DataFrame(changes, columns=list(base.columns.drop("_created")) + ["_row"])
    ch = ch.sort_values(["updated_at", "_row"], kind="stable").reset_index(drop=True)

    nd = len(ref.district_codes)
    station_of_commune = np.full(len(com), -1, dtype=np.int32)
    st = np.flatnonzero(ftype == T_STATION)
    station_of_commune[fcommune[st]] = st
    centre_of_district = np.zeros(nd, dtype=np.int32)
    for i in np.flatnonzero(ftype == T_CENTRE):
        centre_of_district[fdistrict[i]] = i
    hosp = [np.flatnonzero((ftype == T_HOSPITAL) & (fdistrict == d)) for d in range(nd)]
    mob = [np.flatnonzero((ftype == T_MOBILE) & (fdistrict == d)) for d in range(nd)]
    priv = [np.flatnonzero((ftype == T_PRIVATE) & (fdistrict == d)) for d in range(nd)]

    # Stores: the province CDC store, one per district centre, one per site.
    store_rows = [
        ("KHO-36", "Kho vắc xin Trung tâm Kiểm soát bệnh tật tỉnh Nam Định", "province", "36", None)
    ]
    for d in ref.district_codes:
        store_rows.append(
            (f"KHO-{d}", f"Kho vắc xin Trung tâm Y tế {district_name[d]}", "district", d, None)
        )
    for i in range(n):
        store_rows.append(
            (
                f"KHO-{ids[i]}",
                f"Kho vắc xin {names[i]}",
                "facility",
                com["commune_code"].iloc[fcommune[i]],
                ids[i],
            )
        )
    s_created = np.full(
        len(store_rows), int(local_midnight(start_day - 21) + 9 * 3600), dtype=np.int64
    )
    stores = pd.DataFrame(
        store_rows, columns=["store_id", "name", "level", "area_code", "facility_id"]
    )
    stores["updated_at"] = s_created
    stores["_created"] = s_created

    return Sites(
        facilities=base,
        facility_changes=ch,
        stores=stores,
        ftype=ftype,
        fdistrict=fdistrict,
        fcommune=fcommune,
        table_rate=table_rate,
        regular_weekday=rng.integers(0, 6, size=n),
        tables_by_day=tables_by_day,
        active_by_day=active_by_day,
        station_of_commune=station_of_commune,
        centre_of_district=centre_of_district,
        hospitals_of_district=hosp,
        mobiles_of_district=mob,
        private_of_district=priv,
        province_hospital=int(np.flatnonzero(ftype == T_HOSPITAL)[0]),
    )
