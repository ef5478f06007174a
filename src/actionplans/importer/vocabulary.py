"""What the content folder already defines, for the drafts to use: organizations, regions,
units, the vocabularies to suggest themes, groups and actors from, and the glossary. What a
draft needs and the content lacks is added, as drafts, to the end of its file."""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from .. import model as m
from ..content.glossary import Glossary
from ..yamlfile import scalar
from .issuers import Body, Region

#: Printed units that are written otherwise in the units vocabulary.
_UNIT_ALIASES = {"%": ["百分比", "%"], "个百分点": ["百分点"], "名": ["人"], "个部门": ["部门"]}


@dataclass(frozen=True)
class _Organization:
    name: m.Text
    region_id: str


def _load(path: Path) -> list[dict[str, Any]]:
    if not path.is_file():
        return []
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError):
        return []
    return [item for item in data if isinstance(item, dict)] if isinstance(data, list) else []


class Vocabulary:
    def __init__(self, content: Path) -> None:
        self.content = content
        self.paths = {
            "organizations": content / "organizations.yaml",
            **{name: content / "vocabularies" / f"{name}.yaml" for name in ("regions", "units", "themes", "groups", "actors")},
        }
        self.records = {name: _load(path) for name, path in self.paths.items()}
        self.organizations = {
            r["id"]: _Organization(m.Text(r["name"]["zh"], r["name"].get("en") or ""), r.get("region", "cn"))
            for r in self.records["organizations"]
            if isinstance(r.get("name"), dict) and r.get("id")
        }
        self.added: dict[str, list[str]] = {}
        self.ids = {name: {r.get("id") for r in records} for name, records in self.records.items()}
        terms = {}
        for i, r in enumerate(_load(content / "glossary.yaml")):
            if r.get("zh") and r.get("en"):
                terms[str(i)] = m.Term(str(i), r["zh"], r["en"], tuple(r.get("en_variants") or ()), None, None)
        self.glossary = Glossary(terms)
        text = resources.files(__package__).joinpath("data", "units.tsv").read_text(encoding="utf-8")
        rows = [line for line in text.splitlines() if line and not line.startswith("#")]
        self.known_units = {r["zh"]: r for r in csv.DictReader(rows, delimiter="\t")}

    def files(self) -> set[Path]:
        return set(self.paths.values())

    def _add(self, table: str, record_id: str, lines: list[str]) -> str:
        if record_id not in self.ids[table]:
            self.ids[table].add(record_id)
            self.added.setdefault(table, []).extend(lines)
        return record_id

    def organization(self, body: Body) -> str:
        """The id of ``body`` in organizations.yaml, added there as a draft if it is not."""
        if body.known_id:
            return str(body.known_id)
        for org_id, org in self.organizations.items():
            if org.name.zh == body.zh:
                return str(org_id)
        local = not body.region.id  # a city or county the gazetteer does not know
        if not local:
            self.region(body.region)
        base = _slug_for(body)
        record_id, n = base, 2
        while record_id in self.ids["organizations"] and not any(
            line.strip() == f"zh: {_q(body.zh)}" for line in self.added.get("organizations", [])
        ):
            record_id, n = f"{base}-{n}", n + 1
        actor = {"state": "government", "party": "government", "people": "social-organizations"}.get(body.kind)
        lines = [
            f"- id: {record_id}",
            "  status: draft",
            "  name:",
            f"    zh: {_q(body.zh)}",
            f"    en: {_q(body.en)}",
            f"  region: {body.region.id}" if not local else f"  region: null  # {body.region.zh}: choose the region",
        ]
        if actor in self.ids["actors"]:
            lines.append(f"  actor: {actor}")
        self.organizations[record_id] = _Organization(m.Text(body.zh, body.en), body.region.id)
        return self._add("organizations", record_id, lines)

    def region(self, region: Region) -> str:
        """The id of ``region`` in regions.yaml, added there as a draft if it is not."""
        lines = [
            f"- id: {region.id}",
            "  status: draft",
            f"  label: {{zh: {_q(region.zh)}, en: {_q(region.en)}}}",
            f"  level: {region.level}",
            f"  code_gb2260: {_q(region.gb2260 or '')}",
            f"  code_iso: {region.iso}",
            f"  parent: {'null' if region.id == 'cn' else 'cn'}",
        ]
        return self._add("regions", region.id, lines)

    def unit(self, printed: str) -> str:
        """The id of the unit printed as ``printed``, added to units.yaml as a draft if need be."""
        for record in self.records["units"]:
            label = (record.get("label") or {}).get("zh", "")
            if label == printed or label in _UNIT_ALIASES.get(printed, []):
                return str(record["id"])
        known = self.known_units.get(printed)
        record_id = known["id"] if known else "unit-" + "-".join(f"{ord(c):x}" for c in printed)
        en = known["en"] if known else ""
        lines = [
            f"- id: {record_id}",
            "  status: draft",
            f"  label: {{zh: {_q(printed)}, en: {_q(en)}}}",
            "  description: null",
        ]
        return self._add("units", record_id, lines)

    def suggest(self, vocabulary: str, texts: list[str]) -> list[str]:
        """Entries of a vocabulary whose label (or a part of it of two characters or more) the
        texts use, in the vocabulary's order."""
        joined = "".join(texts)
        out = []
        for record in self.records[vocabulary]:
            if record.get("status") == "draft":
                continue
            label = (record.get("label") or {}).get("zh", "")
            parts = [label, *[p for p in re.split(r"[与和、及（）()]", label) if len(p) >= 2]]
            if label and any(p in joined for p in parts if p):
                out.append(str(record["id"]))
        return out

    def glossary_terms(self, zh: str) -> list[m.Term]:
        return self.glossary.used(zh)

    def additions(self) -> dict[Path, str]:
        """Each vocabulary file with its added drafts at the end."""
        out = {}
        for table, lines in self.added.items():
            path = self.paths[table]
            old = path.read_text(encoding="utf-8") if path.is_file() else ""
            if old and not old.endswith("\n"):
                old += "\n"
            note = "# Added as drafts by actionplans import: review each, then remove its status: draft.\n"
            out[path] = old + note + "\n".join(lines) + "\n"
        return out


_q = scalar


def _slug_for(body: Body) -> str:
    """An id for a new organization: the gazetteer's (ndrc, gs-civil-affairs), else a short
    hash of its Chinese name (a person gives it a better one while reviewing it)."""
    return body.slug or "org-" + hashlib.sha256(body.zh.encode("utf-8")).hexdigest()[:8]
