"""Ids: what one may look like, and that each is used once.

Ids become URLs and file names, so only lowercase ASCII slugs are accepted. ``Ids`` is the one
check that an id is unique among the records of its kind, with one message for every kind.
"""

from __future__ import annotations

import re
from typing import Any

from ..problems import DUPLICATE_ID, INVALID_ID, WRONG_TYPE
from .where import Where, kind_name

SLUG = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
MAX_SLUG = 64


def check_slug(value: Any, where: Where, name: str, line: int) -> bool:
    """Whether ``value`` is a valid id; if not, the problem is reported at ``line``."""
    if not isinstance(value, str):
        where.add(line, name, WRONG_TYPE(kind=kind_name(value), expected="an id of lowercase letters, digits and hyphens"))
        return False
    if not SLUG.match(value) or len(value) > MAX_SLUG:
        where.add(line, name, INVALID_ID(value=value, limit=MAX_SLUG))
        return False
    return True


class Ids:
    """The ids of one kind of record seen so far, and where each was first seen."""

    def __init__(self, kind: str, noun: str = "id") -> None:
        self.kind = f"{kind} {noun}" if noun else kind
        self.first: dict[str, str] = {}

    def claim(self, record_id: str, where: Where, line: int, field: str = "id") -> bool:
        """Record ``record_id`` at ``where``:``line``; False (and a problem) if it was seen before."""
        if record_id in self.first:
            where.add(line, field, DUPLICATE_ID(kind=self.kind, value=record_id, first=self.first[record_id]))
            return False
        self.first[record_id] = f"{where.shown}:{line}"
        return True
