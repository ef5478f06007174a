"""The records: one vocabulary for code, data, pages and docs.

Records are frozen dataclasses that hold ids of the records they refer to. A record that belongs
to a :class:`Dataset` can navigate to its neighbours (``task.plan``, ``plan.tasks``); that link is
not part of the record's value, so two equal datasets have equal records.
"""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any, Literal, TypeVar

_T = TypeVar("_T")
_R = TypeVar("_R", bound="_Linked")

Lang = Literal["zh", "en"]
LANGS: tuple[Lang, ...] = ("zh", "en")

PlanLevel = Literal["national", "provincial", "municipal", "county"]
FigureKind = Literal["statistic", "target", "count", "period"]
Qualifier = Literal["exact", "at-least", "at-most", "approximately"]
StatementKind = Literal["announcement", "aim", "principle", "safeguard", "task-count"]
TaskCountRule = Literal["equal", "at-most"]
SourceKind = Literal["official-document", "news-report"]
Republish = Literal["whole", "quotes"]
Extent = Literal["whole", "beginning"]

#: Levels of government, from the top: a region's, and so a plan's (a city's plan is municipal).
PLAN_LEVELS: tuple[str, ...] = ("national", "provincial", "municipal", "county")
FIGURE_KINDS: tuple[str, ...] = ("statistic", "target", "count", "period")
QUALIFIERS: tuple[str, ...] = ("exact", "at-least", "at-most", "approximately")
STATEMENT_KINDS: tuple[str, ...] = ("announcement", "aim", "principle", "safeguard", "task-count")
TASK_COUNT_RULES: tuple[str, ...] = ("equal", "at-most")
#: What a source is: a document as a state organ issued it (a plan, or the notice that issues
#: one), or a report of a plan by a newspaper, news agency or a government site's news page.
SOURCE_KINDS: tuple[str, ...] = ("official-document", "news-report")
#: How much of a source may be republished: the whole text, or only the quotes the records cite.
REPUBLISH: tuple[str, ...] = ("whole", "quotes")
#: How much of the source's page its stored text holds: the whole, or only its beginning.
EXTENTS: tuple[str, ...] = ("whole", "beginning")


@dataclass(frozen=True)
class Text:
    """A text in Chinese (the original, authoritative) and English (its translation)."""

    zh: str
    en: str

    def get(self, lang: str) -> str:
        """The text in ``lang`` ("zh" or "en")."""
        if lang == "zh":
            return self.zh
        if lang == "en":
            return self.en
        raise KeyError(f"unknown language {lang!r}; expected 'zh' or 'en'")

    def __str__(self) -> str:
        return self.zh


@dataclass(frozen=True)
class Span:
    """Where a quote stands in its source: characters of the text with whitespace removed
    (``start`` inclusive, ``end`` exclusive) and 1-based lines of the source file."""

    start: int
    end: int
    line_start: int
    line_end: int


class _Linked:
    """Mixin for records that can reach the dataset they belong to."""

    _dataset: Dataset | None

    @property
    def dataset(self) -> Dataset:
        if self._dataset is None:
            raise LookupError(f"{type(self).__name__} is not part of a Dataset")
        return self._dataset


def _link() -> Dataset | None:
    return field(default=None, compare=False, repr=False, hash=False)


@dataclass(frozen=True)
class Contributor:
    """Someone credited in the data package."""

    title: str
    role: str
    path: str | None


@dataclass(frozen=True)
class PackageMeta:
    """What the data package says of itself: name, version, licence, credits."""

    name: str
    version: str
    created: str
    title: Text
    description: Text
    homepage: str | None
    licence_name: str
    licence_path: str
    licence_title: str
    contributors: tuple[Contributor, ...]


@dataclass(frozen=True)
class Source(_Linked):
    """A published text the facts are quoted from."""

    id: str
    title: Text
    publisher: Text
    authors: tuple[Text, ...]
    year: int | None
    year_note: Text | None
    sha256: str
    characters: int
    rights: Text
    # Recorded since data release 1.1.0 (None in a release made before):
    kind: SourceKind | None
    republish: Republish | None
    extent: Extent | None
    url: str | None
    date: str | None
    _dataset: Dataset | None = _link()

    @property
    def plans(self) -> tuple[Plan, ...]:
        return self.dataset._index.plans_by_source.get(self.id, ())


@dataclass(frozen=True)
class Region:
    """A region a plan applies to, with its GB/T 2260 and ISO 3166 codes."""

    id: str
    label: Text
    level: PlanLevel
    code_gb2260: str | None
    code_iso: str | None
    #: The region it is part of (a city's province; a province's is ``cn``); None for China.
    parent_id: str | None


@dataclass(frozen=True)
class Concept:
    """An entry of a controlled vocabulary: beneficiary group, theme, actor type or unit."""

    id: str
    label: Text
    description: Text | None


@dataclass(frozen=True)
class Organization(_Linked):
    """A body that issues plans."""

    id: str
    name: Text
    region_id: str
    actor_id: str | None
    _dataset: Dataset | None = _link()

    @property
    def region(self) -> Region:
        return self.dataset.regions[self.region_id]

    @property
    def plans(self) -> tuple[Plan, ...]:
        return self.dataset._index.plans_by_issuer.get(self.id, ())


@dataclass(frozen=True)
class Statement:
    """A verbatim sentence of a plan that is not a task: an aim, a principle, a safeguard."""

    id: str
    plan_id: str
    kind: StatementKind
    ordinal: int
    text: Text
    span: Span


@dataclass(frozen=True)
class Plan(_Linked):
    """An action plan as the source describes it."""

    id: str
    source_id: str
    title: Text
    title_span: Span
    issuer_ids: tuple[str, ...]
    issuer_count: int | None
    level: PlanLevel
    region_id: str
    period_start: int | None
    period_end: int | None
    group_ids: tuple[str, ...]
    theme_ids: tuple[str, ...]
    task_count: int | None
    task_count_rule: TaskCountRule
    statements: tuple[Statement, ...]
    _dataset: Dataset | None = _link()

    def _of_kind(self, kind: str) -> tuple[Statement, ...]:
        return tuple(s for s in self.statements if s.kind == kind)

    @property
    def announcement(self) -> Statement | None:
        found = self._of_kind("announcement")
        return found[0] if found else None

    @property
    def task_count_statement(self) -> Statement | None:
        found = self._of_kind("task-count")
        return found[0] if found else None

    @property
    def aims(self) -> tuple[Statement, ...]:
        return self._of_kind("aim")

    @property
    def principles(self) -> tuple[Statement, ...]:
        return self._of_kind("principle")

    @property
    def safeguards(self) -> tuple[Statement, ...]:
        return self._of_kind("safeguard")

    @property
    def source(self) -> Source:
        return self.dataset.sources[self.source_id]

    @property
    def issuers(self) -> tuple[Organization, ...]:
        return tuple(self.dataset.organizations[i] for i in self.issuer_ids)

    @property
    def region(self) -> Region:
        return self.dataset.regions[self.region_id]

    @property
    def groups(self) -> tuple[Concept, ...]:
        return tuple(self.dataset.groups[i] for i in self.group_ids)

    @property
    def themes(self) -> tuple[Concept, ...]:
        return tuple(self.dataset.themes[i] for i in self.theme_ids)

    @property
    def tasks(self) -> tuple[Task, ...]:
        return self.dataset.tasks_of(self.id)

    @property
    def figures(self) -> tuple[Figure, ...]:
        return self.dataset._index.figures_by_plan.get(self.id, ())


@dataclass(frozen=True)
class Task(_Linked):
    """One task (item, measure, action) of a plan, quoted verbatim."""

    id: str
    plan_id: str
    ordinal: int
    label: str | None
    title: Text
    text: Text
    span: Span
    theme_ids: tuple[str, ...]
    actor_ids: tuple[str, ...]
    group_ids: tuple[str, ...]
    _dataset: Dataset | None = _link()

    @property
    def plan(self) -> Plan:
        return self.dataset.plans[self.plan_id]

    @property
    def themes(self) -> tuple[Concept, ...]:
        return tuple(self.dataset.themes[i] for i in self.theme_ids)

    @property
    def actors(self) -> tuple[Concept, ...]:
        return tuple(self.dataset.actors[i] for i in self.actor_ids)

    @property
    def groups(self) -> tuple[Concept, ...]:
        return tuple(self.dataset.groups[i] for i in self.group_ids)

    @property
    def figures(self) -> tuple[Figure, ...]:
        return self.dataset._index.figures_by_task.get(self.id, ())

    @property
    def previous(self) -> Task | None:
        """The task before this one in its plan, if any."""
        siblings = self.plan.tasks
        index = self.dataset._index.position[self.id]
        return siblings[index - 1] if index > 0 else None

    @property
    def next(self) -> Task | None:
        """The task after this one in its plan, if any."""
        siblings = self.plan.tasks
        index = self.dataset._index.position[self.id]
        return siblings[index + 1] if index + 1 < len(siblings) else None


@dataclass(frozen=True)
class Figure(_Linked):
    """A number the source states, with the quote it is read from."""

    id: str
    plan_id: str
    task_id: str | None
    kind: FigureKind
    value: Decimal
    value_to: Decimal | None
    unit_id: str
    year: int | None
    region_id: str
    qualifier: Qualifier
    measure: Text
    quote: Text
    span: Span
    _dataset: Dataset | None = _link()

    @property
    def plan(self) -> Plan:
        return self.dataset.plans[self.plan_id]

    @property
    def task(self) -> Task | None:
        return self.dataset.tasks[self.task_id] if self.task_id else None

    @property
    def unit(self) -> Concept:
        return self.dataset.units[self.unit_id]

    @property
    def region(self) -> Region:
        return self.dataset.regions[self.region_id]


@dataclass(frozen=True)
class Term:
    """A glossary entry: a Chinese term and its English rendering."""

    id: str
    zh: str
    en: str
    en_variants: tuple[str, ...]
    note: Text | None
    source_url: str | None


class TaskTable(dict[str, "Task"]):
    """Tasks by id; calling it selects tasks by facet: ``ds.tasks(theme="accessibility")``."""

    _dataset: Dataset | None = None

    def __call__(
        self,
        *,
        plan: str | None = None,
        theme: str | None = None,
        group: str | None = None,
        actor: str | None = None,
        region: str | None = None,
    ) -> tuple[Task, ...]:
        if self._dataset is None:
            raise LookupError("this task table is not part of a Dataset")
        return self._dataset.select_tasks(plan=plan, theme=theme, group=group, actor=actor, region=region)


@dataclass(frozen=True)
class Summary:
    """How much a dataset holds, as ``actionplans check`` and ``package`` report it."""

    plans: int
    tasks: int
    figures: int
    terms: int
    #: Chinese quotes checked against their sources: titles, statements, task titles and texts, figures.
    quotes: int

    def __str__(self) -> str:
        return (
            f"{self.plans} plans, {self.tasks} tasks, {self.figures} figures, {self.terms} terms, {self.quotes} quotes verified"
        )


@dataclass(frozen=True)
class _Index:
    """What records are looked up by, made once per dataset so each lookup takes constant time."""

    tasks_by_plan: dict[str, tuple[Task, ...]]
    position: dict[str, int]
    figures_by_plan: dict[str, tuple[Figure, ...]]
    figures_by_task: dict[str, tuple[Figure, ...]]
    plans_by_source: dict[str, tuple[Plan, ...]]
    plans_by_issuer: dict[str, tuple[Plan, ...]]


def _grouped(records: Iterator[tuple[str | None, _T]]) -> dict[str, tuple[_T, ...]]:
    out: dict[str, list[_T]] = {}
    for key, record in records:
        if key is not None:
            out.setdefault(key, []).append(record)
    return {key: tuple(values) for key, values in out.items()}


@dataclass(frozen=True)
class Dataset:
    """Everything published: the records by id, in a stable order."""

    meta: PackageMeta
    sources: dict[str, Source]
    regions: dict[str, Region]
    groups: dict[str, Concept]
    themes: dict[str, Concept]
    actors: dict[str, Concept]
    units: dict[str, Concept]
    organizations: dict[str, Organization]
    plans: dict[str, Plan]
    tasks: TaskTable
    figures: dict[str, Figure]
    terms: dict[str, Term]
    _index: _Index = field(init=False, compare=False, repr=False, hash=False)
    #: The plans in it that are drafts (read from content for a preview; never published).
    drafts: frozenset[str] = field(default=frozenset(), compare=False, repr=False, hash=False)
    #: What a person must still do on the drafts of the content it was read from (``Problem``s).
    todos: tuple[Any, ...] = field(default=(), compare=False, repr=False, hash=False)

    def __post_init__(self) -> None:
        # Each record links back to one dataset. A record that already belongs to another one
        # (say, after dataclasses.replace(dataset, tasks=...)) is copied, never re-pointed.
        for name in ("sources", "organizations", "plans", "figures"):
            object.__setattr__(self, name, {key: self._own(record) for key, record in getattr(self, name).items()})
        tasks = TaskTable({key: self._own(record) for key, record in self.tasks.items()})
        tasks._dataset = self
        object.__setattr__(self, "tasks", tasks)
        by_plan = _grouped((t.plan_id, t) for t in sorted(tasks.values(), key=lambda t: t.ordinal))
        figures = self.figures.values()
        index = _Index(
            tasks_by_plan=by_plan,
            position={t.id: i for plan_tasks in by_plan.values() for i, t in enumerate(plan_tasks)},
            figures_by_plan=_grouped((f.plan_id, f) for f in figures),
            figures_by_task=_grouped((f.task_id, f) for f in figures),
            plans_by_source=_grouped((p.source_id, p) for p in self.plans.values()),
            plans_by_issuer=_grouped((o, p) for p in self.plans.values() for o in p.issuer_ids),
        )
        object.__setattr__(self, "_index", index)

    def _own(self, record: _R) -> _R:
        if record._dataset is not None and record._dataset is not self:
            record = copy.copy(record)
        object.__setattr__(record, "_dataset", self)
        return record

    def __hash__(self) -> int:  # a Dataset is a value but its dicts are not hashable
        return hash((self.meta, tuple(self.tasks)))

    @property
    def version(self) -> str:
        """The data version, as in datapackage.json."""
        return self.meta.version

    # navigation -----------------------------------------------------------------------------
    def plan(self, plan_id: str) -> Plan:
        """The plan with this id (KeyError with the known ids otherwise)."""
        return _get(self.plans, plan_id, "plan")

    def task(self, task_id: str) -> Task:
        return _get(self.tasks, task_id, "task")

    def figure(self, figure_id: str) -> Figure:
        return _get(self.figures, figure_id, "figure")

    def province_of(self, region_id: str) -> Region | None:
        """The provincial-level region that is ``region_id`` or holds it (None for China as a whole)."""
        region: Region | None = self.regions[region_id]
        while region is not None and region.level not in ("provincial", "national"):
            region = self.regions.get(region.parent_id) if region.parent_id else None
        return region if region is not None and region.level == "provincial" else None

    def tasks_of(self, plan_id: str) -> tuple[Task, ...]:
        """The tasks of a plan, in order."""
        return self._index.tasks_by_plan.get(plan_id, ())

    def summary(self) -> Summary:
        """How many records of each kind, and how many quotes were verified against sources."""
        statements = sum(len(p.statements) for p in self.plans.values())
        quotes = len(self.plans) + statements + 2 * len(self.tasks) + len(self.figures)
        return Summary(len(self.plans), len(self.tasks), len(self.figures), len(self.terms), quotes)

    def select_tasks(
        self,
        *,
        plan: str | None = None,
        theme: str | None = None,
        group: str | None = None,
        actor: str | None = None,
        region: str | None = None,
    ) -> tuple[Task, ...]:
        """Tasks matching every given facet id, in plan order."""
        for value, table, kind in (
            (plan, self.plans, "plan"),
            (theme, self.themes, "theme"),
            (group, self.groups, "group"),
            (actor, self.actors, "actor"),
            (region, self.regions, "region"),
        ):
            if value is not None:
                _get(table, value, kind)
        return tuple(
            task
            for task in self.iter_tasks()
            if (plan is None or task.plan_id == plan)
            and (theme is None or theme in task.theme_ids)
            and (group is None or group in task.group_ids)
            and (actor is None or actor in task.actor_ids)
            and (region is None or self.plans[task.plan_id].region_id == region)
        )

    def iter_tasks(self) -> Iterator[Task]:
        """All tasks, plan by plan, in order."""
        for plan_id in self.plans:
            yield from self.tasks_of(plan_id)


def _get(table: Mapping[str, _T], key: str, kind: str) -> _T:
    try:
        return table[key]
    except KeyError:
        known = ", ".join(sorted(table)) or "none"
        raise KeyError(f"no {kind} {key!r}; known: {known}") from None
