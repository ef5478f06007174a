"""Version numbers and the bump a change calls for.

A data release's version is MAJOR.MINOR.PATCH (semantic versioning; no leading zeros). The bump
rules follow the Data Package Version recipe: ``suggest_bump`` reads a change log and names the
weakest bump it allows, with its reasons.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from .errors import ActionplansError

if TYPE_CHECKING:  # the rules read changes and snapshots; the version rules need neither
    from .changes import Changes
    from .snapshots import Key, Snapshot

VERSION = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")
#: The version bumps, weakest first.
BUMPS = ("patch", "minor", "major")


class ReleaseError(ActionplansError):
    """A release cannot be made, read or verified (the message names the file)."""


def parse_version(version: str) -> tuple[int, int, int]:
    match = VERSION.match(version)
    if not match:
        raise ReleaseError(f"version {version!r}: not a version; expected MAJOR.MINOR.PATCH such as 1.1.0")
    return int(match[1]), int(match[2]), int(match[3])


def bumped(version: str, bump: str) -> str:
    major, minor, patch = parse_version(version)
    if bump == "major":
        return f"{major + 1}.0.0"
    if bump == "minor":
        return f"{major}.{minor + 1}.0"
    return f"{major}.{minor}.{patch + 1}"


def bump_of(old: str, new: str) -> str | None:
    """The bump from ``old`` to ``new`` (None if ``new`` is not later)."""
    a, b = parse_version(old), parse_version(new)
    if b <= a:
        return None
    return "major" if b[0] > a[0] else "minor" if b[1] > a[1] else "patch"


# --- the version bump the change calls for (the Data Package Version recipe) ------------------------
def suggest_bump(old: Snapshot, changes: Changes) -> tuple[str | None, list[str]]:
    """The weakest bump the change allows, and why: major for a field renamed, removed or
    retyped, a tighter constraint, a table removed, a changed primary key, or a row removed
    that another table's foreign key pointed to; minor for rows, fields or tables added or a
    constraint loosened; patch for values corrected, rows no other row pointed to removed, and
    descriptions changed. None when nothing changed."""
    reasons: dict[str, list[str]] = {b: [] for b in BUMPS}
    for name in changes.tables_removed:
        reasons["major"].append(f"table {name} removed")
    for name in changes.tables_added:
        reasons["minor"].append(f"table {name} added")
    referenced = _referenced(old)
    for name, t in changes.tables.items():
        if name in changes.tables_removed:
            continue
        for f in t.fields_removed:
            reasons["major"].append(f"{name}.{f} removed (or renamed)")
        for f in t.fields_added:
            reasons["minor"].append(f"{name}.{f} added")
        for change in t.fields_changed:
            kind, why = _schema_change(change["name"], change["old"], change["new"])
            reasons[kind].append(f"{name}.{change['name']}: {why}")
        if t.added and name not in changes.tables_added:
            reasons["minor"].append(f"{name}: {_rows(len(t.added))} added")
        pointed = [e for e in t.removed if tuple(e["key"]) in referenced.get(name, set())]
        if pointed:
            reasons["major"].append(f"{name}: {_rows(len(pointed))} removed that other rows pointed to")
        elif t.removed:
            reasons["patch"].append(f"{name}: {_rows(len(t.removed))} removed")
        if t.changed:
            reasons["patch"].append(f"{name}: {_rows(len(t.changed))} corrected")
        if t.order is not None:
            reasons["patch"].append(f"{name} rows reordered")
    for prop in changes.metadata:
        reasons["patch"].append(f"the package's {prop} changed")
    for bump in reversed(BUMPS):
        if reasons[bump]:
            return bump, reasons[bump] + [r for b in reversed(BUMPS) if b != bump for r in reasons[b]]
    return None, []


def _rows(n: int) -> str:
    return f"{n:,} row{'s' if n != 1 else ''}"


def _referenced(old: Snapshot) -> dict[str, set[Key]]:
    """For each table, the keys other tables' foreign keys point to in ``old``."""
    out: dict[str, set[Key]] = {}
    for table in old.tables.values():
        for fk in table.schema.get("foreignKeys", []):
            target = fk["reference"]["resource"]
            if target == table.name:
                continue
            columns = fk["fields"] if isinstance(fk["fields"], list) else [fk["fields"]]
            keys = out.setdefault(target, set())
            for row in table.rows:
                value = tuple(row.get(c) for c in columns)
                if None not in value:
                    keys.add(value)
    return out


def _schema_change(name: str, old: Any, new: Any) -> tuple[str, str]:
    if name == "(primary key)":
        return "major", f"primary key {old} → {new}"
    if old.get("type") != new.get("type"):
        return "major", f"type {old.get('type')} → {new.get('type')}"
    a, b = old.get("constraints", {}), new.get("constraints", {})
    if a != b:
        return ("major", "constraint tightened") if _tightened(a, b) else ("minor", "constraint loosened")
    return "patch", "description changed"


def _tightened(old: dict[str, Any], new: dict[str, Any]) -> bool:
    """Whether any constraint of ``new`` refuses a value ``old`` allowed."""
    for flag in ("required", "unique"):
        if new.get(flag) and not old.get(flag):
            return True
    if "enum" in new and ("enum" not in old or not set(new["enum"]) >= set(old["enum"])):
        return True
    if "pattern" in new and new.get("pattern") != old.get("pattern"):
        return True
    for bound in ("minimum", "minLength"):
        if bound in new and (bound not in old or new[bound] > old[bound]):
            return True
    return any(bound in new and (bound not in old or new[bound] < old[bound]) for bound in ("maximum", "maxLength"))
