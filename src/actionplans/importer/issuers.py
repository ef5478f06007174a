"""Issuing bodies: recognised from a gazetteer shipped as data (``data/*.tsv``) and from the
content's own ``organizations.yaml``, with their region, level and English name.

The gazetteer holds the national bodies in their full and official short forms (国家发展改革委
for 国家发展和改革委员会), the provincial-level regions, and the departments regions have
(民政厅, 教育厅, 党委网信办 …), so that 宁夏回族自治区民政厅 is recognised as the region 宁夏 and
the department 民政厅, and a department named without its region right after one that has it
(``宁夏回族自治区民政厅、党委网信办、教育厅``) belongs to the same region.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import ahocorasick


@dataclass(frozen=True)
class Region:
    id: str
    zh: str
    en: str
    gb2260: str | None
    iso: str

    @property
    def level(self) -> str | None:
        """national or provincial; None for a city or county (no level of the content's)."""
        return "national" if self.id == "cn" else "provincial" if self.id else None


@dataclass(frozen=True)
class Body:
    """An issuing body as the gazetteer knows it."""

    zh: str
    en: str
    kind: str  # state, party, people
    region: Region
    #: The id of the organization in the content's organizations.yaml, if it is there.
    known_id: str | None = None
    #: The id a new organization of the content gets (ndrc, gs-civil-affairs); "" if none can be made.
    slug: str = ""


@dataclass(frozen=True)
class Found:
    """A body named in the text: where, as printed, and what it is."""

    start: int
    end: int
    printed: str
    body: Body


def _rows(name: str) -> list[dict[str, str]]:
    text = resources.files(__package__).joinpath("data", name).read_text(encoding="utf-8")
    lines = [line for line in text.splitlines() if line and not line.startswith("#")]
    return list(csv.DictReader(lines, delimiter="\t"))


@lru_cache(maxsize=1)
def regions() -> dict[str, Region]:
    return {r["id"]: Region(r["id"], r["zh"], r["en"], r["gb2260"] or None, r["iso"]) for r in _rows("regions.tsv")}


class Gazetteer:
    """Finds issuing bodies in a text, longest name first."""

    def __init__(self, organizations: dict[str, Any] | None = None) -> None:
        self.automaton: Any = ahocorasick.Automaton()
        self.regions = regions()
        national = self.regions["cn"]
        names: dict[str, tuple[str, Any]] = {}
        for row in _rows("bodies.tsv"):
            body = Body(row["zh"], row["en"], row["kind"], national, slug=_initials(row["en"]))
            for name in [row["zh"], *filter(None, row["short"].split(","))]:
                names[name] = ("body", body)
        self.departments: dict[str, dict[str, str]] = {}
        for row in _rows("departments.tsv"):
            for name in [row["zh"], *filter(None, row["other"].split(","))]:
                self.departments[name] = row
                names.setdefault(name, ("department", row))
        for region in self.regions.values():
            if region.id == "cn":
                continue
            for name in [region.zh, *filter(None, _short(region))]:
                names.setdefault(name, ("region", region))
        self.known: dict[str, str] = {}
        self._known_bodies: dict[str, Body] = {}
        for org_id, org in (organizations or {}).items():
            self.known[org.name.zh] = org_id
            region = self.regions.get(org.region_id, national)
            self._known_bodies[org.name.zh] = Body(org.name.zh, org.name.en, "state", region, org_id)
            names[org.name.zh] = ("known", org)
        for name, value in names.items():
            self.automaton.add_word(name, (name, value))
        self.automaton.make_automaton()

    def region_in(self, text: str) -> Region | None:
        """The first provincial-level region ``text`` names (a plan's title names its own)."""
        for _end, (_name, (kind, value)) in self.automaton.iter(text):
            if kind == "region":
                return value  # type: ignore[no-any-return]
        return None

    def find(self, text: str, region: Region | None = None) -> list[Found]:
        """Every body named in ``text``, in order, without overlaps (the longest name wins).
        ``region`` is the region of the document: a department named after a bare 省, 自治区 or
        省委 (a signature block: 省发展改革委 省妇儿工委办公室 …) is that region's."""
        hits = []
        for end, (name, value) in self.automaton.iter(text):
            hits.append((end - len(name) + 1, end + 1, name, value))
        for match in _PREFIXED.finditer(text):  # 共青团安徽省委员会, 中共广东省委宣传部, 团省委
            place = self._region_named(match.group("region") or match.group("region2")) if not match.group("bare") else region
            row = self.departments.get(match.group("department") or "团委")
            if place is not None and row is not None:
                hits.append((match.start(), match.end(), match.group(), ("prefixed", (row, place))))
        hits.sort(key=lambda h: (h[0], -(h[1] - h[0])))
        document_region, region = region, None
        out: list[Found] = []
        position = 0
        index = 0
        while index < len(hits):
            start, end, name, (kind, value) = hits[index]
            index += 1
            if start < position:
                continue
            if kind == "prefixed":  # named around its region: 共青团安徽省委员会
                row, place = value
                full = name if name.startswith("共青团") or name.startswith("中共") else f"共青团{place.zh}委员会"  # 团省委
                body = self._known(full) or self._department(row, place, full)
                if body is not None:
                    body = Body(full, body.en, body.kind, place, self.known.get(full), body.slug)
                    out.append(Found(start, end, name, body))
                    region, position = place, end
                continue
            if kind == "region":
                # a region followed by one of its departments: 宁夏回族自治区民政厅
                following = [h for h in hits[index:] if h[0] == end and h[3][0] in ("department", "known")]
                if following:
                    _, d_end, d_name, (d_kind, d_value) = max(following, key=lambda h: h[1])
                    full = text[start:d_end]
                    body = self._known(full) or self._department(
                        d_value if d_kind == "department" else self.departments.get(d_name, {}), value, full
                    )
                    if body is not None:
                        out.append(Found(start, d_end, full, body))
                        region, position = value, d_end
                        continue
                region = value
                continue
            if kind == "department":
                bare = _BARE.search(text[max(position, start - 4) : start])
                if region is None and bare is not None and document_region is not None:
                    # 省发展改革委 in a signature block: the document's own province
                    full = document_region.zh + row_name(value, name)
                    body = self._known(full) or self._department(value, document_region, full)
                    if body is not None:
                        out.append(Found(start - len(bare.group()), end, text[start - len(bare.group()) : end], body))
                        position = end
                        continue
                local = _LOCAL.search(text[max(position, start - 8) : start])
                if local is not None and (region is None or not _listed_after(text, position, start)):
                    # a city or county and its department: 东阳市人民政府办公室
                    name = local.group("name")
                    place = Region("", name, "", None, "")
                    body = self._known(name + text[start:end]) or Body(
                        name + text[start:end], "", value["kind"], place, self.known.get(name + text[start:end])
                    )
                    out.append(Found(start - len(name), end, name + text[start:end], body))
                    position = end
                    continue
                if region is not None and _listed_after(text, position, start):
                    full = region.zh + name
                    body = self._known(full) or self._department(value, region, full)
                    if body is not None:
                        out.append(Found(start, end, name, body))
                        position = end
                continue
            if kind == "known":
                body = self._known_bodies[value.name.zh]
            else:
                body = value
                known_id = self.known.get(body.zh)
                body = Body(body.zh, body.en, body.kind, body.region, known_id, body.slug)
            out.append(Found(start, end, name, body))
            region = body.region if body.region.id != "cn" else region
            position = end
        return out

    def _region_named(self, name: str) -> Region | None:
        """The region a name (full or short) stands for."""
        for region in self.regions.values():
            if name == region.zh or name in _short(region):
                return region
        return None

    def _known(self, zh: str) -> Body | None:
        """The organization of organizations.yaml with this Chinese name, if there is one."""
        return self._known_bodies.get(zh)

    def _department(self, row: dict[str, str], region: Region, full: str) -> Body | None:
        """The department ``row`` of ``region``, named in full (江苏省人民政府 for 江苏省政府, as the
        national bodies' short forms read as their full names)."""
        if not row:
            return None
        en = row["en"].replace("{region}", _the(region))
        slug = f"{region.id.removeprefix('cn-')}-{row['id']}" if region.id else ""
        name = region.zh + row["zh"] if region.zh and full.startswith(region.zh) else full
        return Body(name, en, row["kind"], region, self.known.get(name) or self.known.get(full), slug)


def _initials(english: str) -> str:
    """ndrc for National Development and Reform Commission, cdpf for China Disabled Persons' Federation."""
    words = re.findall(r"[A-Za-z]+", english.replace("'s", ""))
    return "".join(w[0].lower() for w in words if w.lower() not in {"of", "the", "and", "for", "on", "under", "in", "with", "to"})


def _short(region: Region) -> list[str]:
    row = next(r for r in _rows("regions.tsv") if r["id"] == region.id)
    return [s for s in row["short"].split(",") if s]


def _the(region: Region) -> str:
    """The region's English name as it stands inside another name: "the Ningxia Hui Autonomous
    Region", but "Gansu Province" and "Beijing Municipality"."""
    return f"the {region.en}" if region.en.endswith("Autonomous Region") else region.en


def _listed_after(text: str, previous_end: int, start: int) -> bool:
    """Whether a name at ``start`` continues a list that ended at ``previous_end`` (、 or 和 between)."""
    between = text[previous_end:start]
    return bool(re.fullmatch(r"[、，,和及与]?", between))


def row_name(row: dict[str, str], printed: str) -> str:
    """A department's full name (发展和改革委员会 for 发展改革委), for the name of a body."""
    return row.get("zh") or printed


#: A department named after its region's bare word: 省发展改革委, 自治区残联, 省委宣传部.
_BARE = re.compile(r"(?:省委|自治区党委|省|自治区)$")
#: Bodies named around their region: 共青团安徽省委员会, 中共广东省委宣传部, 中共陕西省委网信办.
_PREFIXED = re.compile(
    r"共青团(?P<region>[\u4e00-\u9fff]{2,8}?(?:省|自治区|市))(?:委员会|委)|团(?P<bare>省|自治区)委|"
    r"中共(?P<region2>[\u4e00-\u9fff]{2,8}?(?:省|自治区|市))委(?P<department>宣传部|组织部|网信办|社会工作部|政法委)"
)

#: A city, county or district named right before one of its departments.
_LOCAL = re.compile(r"(?P<name>[\u4e00-\u9fff]{1,6}?(?:市|县|区|州|盟|旗))$")
