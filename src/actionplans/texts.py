"""The few texts the downloads carry themselves (what a file is, in both languages), kept as data
in ``data/downloads.yaml`` rather than in code."""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

import yaml

_FILE = Path(__file__).parent / "data" / "downloads.yaml"


@functools.cache
def _texts() -> dict[str, dict[str, str]]:
    loaded = yaml.safe_load(_FILE.read_text(encoding="utf-8"))
    return {key: {"zh": str(value["zh"]), "en": str(value["en"])} for key, value in loaded.items()}


def text(key: str, **values: Any) -> dict[str, str]:
    """The text ``key`` in both languages (``zh``, ``en``), its ``{names}`` filled from ``values``:
    a value with ``zh`` and ``en`` attributes (a ``Text``) gives each language its own."""
    return {
        lang: template.format(**{name: getattr(value, lang, value) for name, value in values.items()})
        for lang, template in _texts()[key].items()
    }


__all__ = ["text"]
