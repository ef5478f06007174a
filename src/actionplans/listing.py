"""Lists of plans and tasks as the pages show them: the order of the plans, pages of a long
list (``Pager``), a plan's period on a timeline, and the counts the home page states.
"""

from __future__ import annotations

import typing
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

from . import model as m


class Pager(NamedTuple):
    """Where a page stands in a list cut into pages: its number, the count of pages, the items it
    shows (1-based, inclusive) of how many, and the folder of the first page (``themes/x``)."""

    page: int
    pages: int
    first: int
    last: int
    total: int
    base: str

    def target(self, page: int) -> str:
        """The folder of page ``page`` of the same list."""
        return self.base if page == 1 else f"{self.base}/page/{page}"

    @property
    def path(self) -> str:
        """This page's path among the pages: the first page's own, ``…/page/N`` after it."""
        return self.target(self.page)

    def title(self, title: str, labels: dict[str, str]) -> str:
        """This page's title: the list's, with the page number after the first page."""
        return title if self.page == 1 else labels["page_title"].format(title=title, page=self.page, pages=self.pages)


def paginate(base: str, items: Sequence[Any], size: int) -> Iterator[tuple[Pager, Sequence[Any]]]:
    """``items`` cut into pages of ``size``, each with its pager (one page when there are none)."""
    pages = max(1, -(-len(items) // size))
    for number in range(1, pages + 1):
        chunk = items[(number - 1) * size : number * size]
        yield (
            Pager(number, pages, (number - 1) * size + 1 if chunk else 0, (number - 1) * size + len(chunk), len(items), base),
            chunk,
        )


def group_by_plan(tasks: Iterable[m.Task]) -> list[tuple[m.Plan, list[m.Task]]]:
    """Consecutive tasks of the same plan, grouped under it (the order kept)."""
    groups: list[tuple[m.Plan, list[m.Task]]] = []
    for task in tasks:
        if groups and groups[-1][0].id == task.plan_id:
            groups[-1][1].append(task)
        else:
            groups.append((task.plan, [task]))
    return groups


class Bar(NamedTuple):
    """One plan on a timeline: the columns its bar spans (1-based, end exclusive) and whether its
    first year is unknown (the bar is drawn open at its start)."""

    plan: m.Plan
    start: int
    end: int
    open_start: bool


class Timeline(NamedTuple):
    years: list[int]
    groups: list[tuple[str, list[Bar]]]
    undated: list[m.Plan]


def corpus_counts(ds: m.Dataset) -> dict[str, int]:
    """What the data holds, as the home page states it (counted here, never written by hand)."""
    national = sum(1 for p in ds.plans.values() if p.level == "national")
    provinces = {r.id for p in ds.plans.values() if (r := ds.province_of(p.region_id)) is not None}
    return {
        "plans": len(ds.plans),
        "national": national,
        "local": len(ds.plans) - national,
        "provinces": len(provinces),
        "sources": len(ds.sources),
        "tasks": len(ds.tasks),
        "figures": len(ds.figures),
    }


def plans_per(ds: m.Dataset, kind: str) -> list[tuple[m.Concept, int]]:
    """Each entry of a vocabulary with the number of plans that have it, most first."""
    counts = [
        (c, sum(1 for p in ds.plans.values() if c.id in getattr(p, kind[:-1] + "_ids"))) for c in getattr(ds, kind).values()
    ]
    return sorted((item for item in counts if item[1]), key=lambda item: -item[1])


def plans_per_province(ds: m.Dataset) -> list[tuple[m.Region, int]]:
    """China as a whole and each province with the number of plans for it (a city's for its
    province), in GB/T 2260 order."""
    counts: dict[str, int] = {}
    for plan in ds.plans.values():
        region = ds.province_of(plan.region_id) or ds.regions[plan.region_id]
        counts[region.id] = counts.get(region.id, 0) + 1
    return sorted(((ds.regions[r], n) for r, n in counts.items()), key=lambda item: item[0].code_gb2260 or "")


def listed_plans(ds: m.Dataset) -> list[m.Plan]:
    """The plans as lists show them: by level (national first), then region (by its GB/T 2260
    code, so a province's cities follow it), then latest period first, then title."""
    order = {level: i for i, level in enumerate(m.PLAN_LEVELS)}

    def key(plan: m.Plan) -> tuple[int, str, int, str]:
        region = ds.regions[plan.region_id]
        return (order[plan.level], region.code_gb2260 or "", -(plan.period_end or 0), plan.title.zh)

    return sorted(ds.plans.values(), key=key)


def timeline(plans: Sequence[m.Plan]) -> Timeline:
    """The plans' periods on one axis of years, grouped by level (national plans first) and,
    within a level, in the order ``plans`` has them (``listed_plans``: by region). A plan that
    states only its last year starts at the axis' first year, open; one that states no year is
    listed apart."""
    dated = [p for p in plans if p.period_end]
    if not dated:
        return Timeline([], [], list(plans))
    first = min(p.period_start or p.period_end or 0 for p in dated)
    last = max(p.period_end or 0 for p in dated)
    years = list(range(first, last + 1))
    groups: dict[str, list[Bar]] = {}
    for plan in dated:
        start = (plan.period_start or first) - first + 1
        end = (plan.period_end or last) - first + 2
        groups.setdefault(plan.level, []).append(Bar(plan, start, end, plan.period_start is None))
    order = typing.get_args(m.PlanLevel)  # national first
    ordered = sorted(groups.items(), key=lambda item: order.index(item[0]))
    return Timeline(years, ordered, [p for p in plans if not p.period_end])
