"""Interface texts: the catalogue in `dashboard/texts/`, looked up by key and language."""

from __future__ import annotations

import importlib
import pkgutil

from dashboard import texts as _catalogue

DEFAULT_LANGUAGE = "vi"
LANGUAGES = ("vi", "en")


def _load() -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(_catalogue.__path__), key=lambda i: i.name):
        module = importlib.import_module(f"{_catalogue.__name__}.{info.name}")
        clash = set(module.TEXTS) & set(found)
        if clash:
            raise KeyError(f"interface text keys defined twice: {sorted(clash)}")
        found.update(module.TEXTS)
    return found


TEXTS: dict[str, dict[str, str]] = _load()


def text(key: str, lang: str) -> str:
    """The interface text `key` in `lang`, falling back to Vietnamese."""
    entry = TEXTS[key]
    return entry.get(lang, entry[DEFAULT_LANGUAGE])
