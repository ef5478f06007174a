"""Controlled vocabularies (regions, groups, themes, actors, units) and the issuing organizations."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from .. import model as m
from ..problems import EMPTY_VALUE, PARENT_NOT_ABOVE, UNKNOWN_REFERENCE, UNKNOWN_VOCABULARY
from .folder import Folder
from .ids import Ids
from .spec import CONCEPT, ORGANIZATION, REGION, hint, line_of
from .where import Where

#: The vocabularies, each in ``vocabularies/<name>.yaml``.
VOCABULARIES = ("regions", "groups", "themes", "actors", "units")


def read_vocabularies(folder: Folder, path: Path) -> dict[str, dict[str, Any]]:
    """Every vocabulary by name; a file in the folder that is no vocabulary is a problem."""
    out = {name: read_vocabulary(folder, path / f"{name}.yaml", name) for name in VOCABULARIES}
    if path.is_dir():
        for extra in sorted(path.glob("*.yaml")):
            if extra.stem not in VOCABULARIES:
                files = ", ".join(f"{name}.yaml" for name in VOCABULARIES)
                folder.where(extra).add(
                    None, "", UNKNOWN_VOCABULARY(name=extra.stem, hint=hint(extra.stem, VOCABULARIES), files=files)
                )
    return out


def read_vocabulary(folder: Folder, path: Path, name: str) -> dict[str, Any]:
    ids = Ids(name.removesuffix("s"))
    out: dict[str, Any] = {}
    parents: list[tuple[str, str | None, int, Where]] = []
    for checked, raw, where in folder.records(path, REGION if name == "regions" else CONCEPT):
        if not ids.claim(checked["id"], where, line_of(raw, "id")):
            continue
        if checked["status"] == "draft":
            folder.drafts.setdefault(name, set()).add(checked["id"])
            if "level" in checked and checked["level"] is None:
                folder.pending.setdefault(name, set()).add(checked["id"])  # a field still to fill in
                continue
        if name == "regions":
            if checked["level"] in ("national", "provincial") and not checked["code_iso"]:
                where.add(
                    line_of(raw, "code_iso"),
                    "code_iso",
                    EMPTY_VALUE(expected="the ISO 3166 code of a national or provincial region"),
                )
                continue
            parents.append((checked["id"], checked["parent"], line_of(raw, "parent"), where))
            out[checked["id"]] = m.Region(
                checked["id"],
                checked["label"],
                checked["level"],
                checked["code_gb2260"],
                checked["code_iso"],
                checked["parent"],
            )
        else:
            out[checked["id"]] = m.Concept(checked["id"], checked["label"], checked["description"])
    for region_id, parent, line, where in parents:
        _check_parent(out, region_id, parent, line, where)
    return out


def _check_parent(regions: dict[str, m.Region], region_id: str, parent: str | None, line: int, where: Where) -> None:
    """A region's parent is a region of a higher level; only China as a whole has none."""
    level = m.PLAN_LEVELS.index(regions[region_id].level)
    if parent is None:
        if level > 0:
            where.add(line, "parent", EMPTY_VALUE(expected="the region this one is part of (cn for a province)"))
        return
    if not reference(parent, regions, "region", where, line, "parent"):
        return
    if m.PLAN_LEVELS.index(regions[parent].level) >= level:
        where.add(
            line, "parent", PARENT_NOT_ABOVE(parent=parent, parent_level=regions[parent].level, level=regions[region_id].level)
        )


def read_organizations(folder: Folder, path: Path, vocabularies: dict[str, dict[str, Any]]) -> dict[str, m.Organization]:
    ids = Ids("organization")
    out: dict[str, m.Organization] = {}
    for checked, raw, where in folder.records(path, ORGANIZATION):
        if checked["status"] == "draft" and checked["region"] is None:  # its region still to choose
            if ids.claim(checked["id"], where, line_of(raw, "id")):
                folder.drafts.setdefault("organizations", set()).add(checked["id"])
                folder.pending.setdefault("organizations", set()).add(checked["id"])
            continue
        ok = reference(checked["region"], vocabularies["regions"], "region", where, line_of(raw, "region"), "region")
        if checked["actor"] is not None:
            ok &= reference(checked["actor"], vocabularies["actors"], "actor", where, line_of(raw, "actor"), "actor")
        if ids.claim(checked["id"], where, line_of(raw, "id")) and ok:
            out[checked["id"]] = m.Organization(checked["id"], checked["name"], checked["region"], checked["actor"])
            if checked["status"] == "draft":
                folder.drafts.setdefault("organizations", set()).add(checked["id"])
    return out


def reference(value: str, table: dict[str, Any], kind: str, where: Where, line: int, field: str) -> bool:
    """Whether ``value`` is an id of ``table``; if not, the problem is reported."""
    if value in table:
        return True
    where.add(line, field, UNKNOWN_REFERENCE(kind=kind, value=value, hint=hint(value, table)))
    return False
