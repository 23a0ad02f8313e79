"""Area names as they are matched against a boundaries file: case, Unicode form, look-alike
letters, old-style tone placement and unit prefixes ("Huyện", "TP", "Xã") made uniform."""

from __future__ import annotations

import re
import unicodedata

# Letters that look like Vietnamese ones but are other code points.
_LOOK_ALIKES = str.maketrans(
    {
        "\u00d0": "\u0110",  # Ð (Icelandic eth) -> Đ
        "\u00f0": "\u0111",  # ð -> đ
        "\u0189": "\u0110",  # Ɖ (African D) -> Đ
        "\u0256": "\u0111",  # ɖ -> đ
        "\u1e0c": "\u0110",  # Ḍ -> Đ (seen in legacy-encoded files)
        "\u00a0": " ",  # no-break space
    }
)
_TONES = "\u0300\u0301\u0303\u0309\u0323"
# Old-style tone placement ("hoà", "thuỷ", "khoẻ") to the new style ("hòa", "thủy", "khỏe"),
# on the NFD form: the tone moves to the first vowel of a final oa / oe / uy (not after q).
_OLD_TONE = re.compile(rf"(?<!q)([ou])([aey])([{_TONES}])(?![a-z\u0111\u0300-\u036f])")
# Unit prefixes, on the spaceless key, with the level they announce.
_PREFIXES = (
    ("tỉnh", "tỉnh", "province"),
    ("thànhphố", "thànhphố", "district"),
    ("tp", "thànhphố", "district"),
    ("huyện", "huyện", "district"),
    ("quận", "quận", "district"),
    ("thịxã", "thịxã", "district"),
    ("tx", "thịxã", "district"),
    ("thịtrấn", "thịtrấn", "commune"),
    ("tt", "thịtrấn", "commune"),
    ("phường", "phường", "commune"),
    ("xã", "xã", "commune"),
)  # (as written, canonical form, level announced), on the spaceless key


def _fold(name: object) -> str:
    """Case-folded NFC text with look-alike letters replaced and new-style tone placement."""
    text = unicodedata.normalize("NFKC", str(name)).translate(_LOOK_ALIKES).casefold()
    text = _OLD_TONE.sub(r"\1\3\2", unicodedata.normalize("NFD", text))
    return unicodedata.normalize("NFC", text)


def _spaceless(text: str) -> str:
    return "".join(ch for ch in text if ch.isalnum())


def name_keys(name: object) -> tuple[str | None, str, str]:
    """(the level a unit prefix announces or None, the key with the prefix in its canonical
    form, the key without it)."""
    key = _spaceless(_fold(name))
    for written, canonical, level in _PREFIXES:
        if key.startswith(written) and len(key) > len(written):
            bare = key[len(written) :]
            return level, canonical + bare, bare
    return None, key, key


def split_prefix(name: object) -> tuple[str | None, str]:
    """(the level a unit prefix announces or None, the normalised name without it)."""
    level, _, bare = name_keys(name)
    return level, bare


def normalise_name(name: object) -> str:
    """The key names are matched on: "Huyện Ý Yên", "ý Yên", "Ý  YÊN" give the same key."""
    return name_keys(name)[2]


def ascii_key(key: str) -> str:
    stripped = unicodedata.normalize("NFD", key.replace("đ", "d"))
    return "".join(ch for ch in stripped if not unicodedata.combining(ch))
