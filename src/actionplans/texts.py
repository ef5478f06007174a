"""The texts the downloads carry themselves (what each file is, in both languages), kept as data
in ``data/downloads.yaml`` rather than in code: the one reader of that file."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

#: What each download is, in Chinese and English.
DESCRIPTIONS = Path(__file__).parent / "data" / "downloads.yaml"


@functools.cache
def descriptions() -> dict[str, Any]:
    """``data/downloads.yaml`` as it is: entries of ``zh`` and ``en``, some grouped by file name."""
    return dict(yaml.safe_load(DESCRIPTIONS.read_text(encoding="utf-8")))


def text(key: str, **values: Any) -> dict[str, str]:
    """The text ``key`` in both languages (``zh``, ``en``), its ``{names}`` filled from ``values``:
    a value with ``zh`` and ``en`` attributes (a ``Text``) gives each language its own."""
    entry = descriptions()[key]
    return {
        lang: str(entry[lang]).format(**{name: getattr(value, lang, value) for name, value in values.items()})
        for lang in ("zh", "en")
    }


__all__ = ["DESCRIPTIONS", "descriptions", "text"]
