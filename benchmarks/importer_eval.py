"""How well `actionplans import` reads plans: imports real texts afresh and compares the drafts
with answer keys, field by field (precision, recall, F1), then times it.

- The seed page (`content/sources/seed-page.txt`) against the hand-built plans of `content/plans/`.
- Every text under `tests/data/importer/texts/` against its hand-written key in `keys/`.
- The corpus: every published plan of `content/plans/` (but the seed page's) against the importer's
  draft of its source, as first imported (`tests/data/importer/first-import/`, before review and
  before the importer learned from it) and as the importer drafts it now: what review added,
  corrected and removed, field by field.

Tasks match by span (an overlap of at least 90 % of the union), figures by value and unit,
titles exactly, issuers by name (short forms read as their full names), co-issuer counts and
periods exactly. Not part of the test suite.

    python benchmarks/importer_eval.py [--verbose] [--out BENCHMARKS.md]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from actionplans.content import load_content  # noqa: E402
from actionplans.importer import import_texts  # noqa: E402
from actionplans.importer.issuers import Gazetteer  # noqa: E402
from actionplans.quotes import SourceText, squeeze  # noqa: E402

DATA = ROOT / "tests" / "data" / "importer"
#: How the hand-built plans' units are printed.
PRINTED = {
    "person": {"人", "名"},
    "percent": {"%"},
    "percentage-point": {"个百分点", "百分点"},
    "item": {"项"},
    "measure": {"项"},
    "task": {"项"},
    "department": {"部门"},
    "visit": {"次"},
    "year": {"年"},
    "base": {"家"},
    "station": {"个"},
}
FIELDS = ("title", "issuers", "issuer count", "period", "tasks", "figures")
#: The corpus is compared on more: what a reviewer decides as well as what the text states.
CORPUS_FIELDS = (*FIELDS, "region", "statements", "themes", "groups")


@dataclass
class Score:
    true_positive: int = 0
    found: int = 0
    expected: int = 0

    def add(self, found: set[object], expected: set[object]) -> None:
        self.true_positive += len(found & expected)
        self.found += len(found)
        self.expected += len(expected)

    def cells(self) -> str:
        p = self.true_positive / self.found if self.found else 1.0
        r = self.true_positive / self.expected if self.expected else 1.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return f"{p:.2f} | {r:.2f} | {f:.2f} | {self.true_positive}/{self.expected}"


@dataclass
class Plan:
    """A plan as the comparison sees it."""

    title: str | None
    issuers: set[str]
    issuer_count: int | None
    period: tuple[int | None, int | None]
    tasks: list[tuple[int, int]]
    figures: set[tuple[Decimal, Decimal | None, str]]
    notes: list[str] = field(default_factory=list)
    region: str | None = None
    statements: list[tuple[int, int]] = field(default_factory=list)
    themes: set[str] = field(default_factory=set)
    groups: set[str] = field(default_factory=set)


def _overlap(a: tuple[int, int], b: tuple[int, int]) -> float:
    inter = max(0, min(a[1], b[1]) - max(a[0], b[0]))
    union = max(a[1], b[1]) - min(a[0], b[0])
    return inter / union if union else 0.0


def _task_score(score: Score, found: list[tuple[int, int]], expected: list[tuple[int, int]]) -> None:
    matched = sum(1 for e in expected if any(_overlap(e, f) >= 0.9 for f in found))
    matching = sum(1 for f in found if any(_overlap(e, f) >= 0.9 for e in expected))
    score.true_positive += matched
    score.found += len(found) - (matching - matched if matching > matched else 0)
    score.expected += len(expected)


def _canonical(gazetteer: Gazetteer, names: list[str]) -> set[str]:
    out = set()
    for name in names:
        found = gazetteer.find(squeeze(name))
        out |= {f.body.zh for f in found} if found else {squeeze(name)}
    return out


def drafts(content: Path, source: str, gazetteer: Gazetteer) -> list[Plan]:
    """The plans the importer wrote for ``source``, as the comparison sees them."""
    text = SourceText((content / "sources" / f"{source}.txt").read_text(encoding="utf-8"))
    organizations = {
        o["id"]: o["name"]["zh"] for o in yaml.safe_load((content / "organizations.yaml").read_text(encoding="utf-8"))
    }
    units = {
        u["id"]: u["label"]["zh"] for u in yaml.safe_load((content / "vocabularies" / "units.yaml").read_text(encoding="utf-8"))
    }
    out = []
    for path in sorted((content / "plans").glob(f"{source}*.yaml")):
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        tasks = []
        for task in data["tasks"]:
            span = text.locate(task["text"]["zh"])
            if span:
                tasks.append((span.start, span.end))
        figures = set()
        for figure in data["figures"]:
            value_to = Decimal(str(figure["value_to"])) if figure["value_to"] is not None else None
            figures.add((Decimal(str(figure["value"])), value_to, unit_key(figure["unit"], units)))
        out.append(
            Plan(
                data["title"]["zh"],
                _canonical(gazetteer, [organizations.get(i, i) for i in data["issuers"]]),
                data["issuer_count"],
                (data["period_start"], data["period_end"]),
                tasks,
                figures,
            )
        )
    return out


def unit_key(unit: str, labels: dict[str, str] | None = None) -> frozenset[str]:
    """How a unit is printed: a unit id of the content by its printed forms, else the printed unit."""
    if unit in PRINTED:
        return frozenset(PRINTED[unit])
    printed = (labels or {}).get(unit, unit).replace("％", "%")
    return frozenset(PRINTED.get(next((k for k, v in PRINTED.items() if printed in v), ""), {printed}))


def seed_answers(gazetteer: Gazetteer) -> list[Plan]:
    dataset = load_content(ROOT / "content")
    out = []
    for plan in (p for p in dataset.plans.values() if p.source_id == "seed-page"):
        figures = {(f.value, f.value_to, unit_key(f.unit_id)) for f in plan.figures}
        out.append(
            Plan(
                plan.title.zh,
                _canonical(gazetteer, [o.name.zh for o in plan.issuers]),
                plan.issuer_count,
                (plan.period_start, plan.period_end),
                [(t.span.start, t.span.end) for t in plan.tasks],
                figures,
            )
        )
    return out


def key_answers(key: dict, text: SourceText, gazetteer: Gazetteer) -> list[Plan]:
    out = []
    for plan in key.get("plans") or []:
        tasks = []
        for task in plan.get("tasks") or []:
            start = text.joined.find(squeeze(str(task["start"])))
            end_at = text.joined.find(squeeze(str(task["end"])), max(start, 0))
            if start >= 0 and end_at >= 0:
                tasks.append((start, end_at + len(squeeze(str(task["end"])))))
        figures = set()
        for figure in plan.get("figures") or []:
            value_to = figure.get("value_to")
            figures.add(
                (
                    Decimal(str(figure["value"])),
                    Decimal(str(value_to)) if value_to is not None else None,
                    unit_key(str(figure["unit"])),
                )
            )
        title = plan.get("title")
        out.append(
            Plan(
                squeeze(title) if title else None,
                _canonical(gazetteer, plan.get("issuers") or []),
                plan.get("issuer_count"),
                (plan.get("period_start"), plan.get("period_end")),
                tasks,
                figures,
            )
        )
    return out


def compare(scores: dict[str, Score], found: list[Plan], expected: list[Plan], verbose: str | None = None) -> None:
    """Match plans by title (else in order) and score each field."""
    remaining = list(found)
    pairs = []
    for answer in expected:
        match = next((p for p in remaining if p.title and answer.title and squeeze(p.title) == answer.title), None)
        if match is None:
            match = next(
                (
                    p
                    for p in remaining
                    if p.title and answer.title and (squeeze(p.title) in answer.title or answer.title in squeeze(p.title))
                ),
                None,
            )
        if match is not None:
            remaining.remove(match)
        pairs.append((answer, match))
    for answer, draft in pairs:
        d = draft or Plan(None, set(), None, (None, None), [], set())
        scores["title"].add({squeeze(d.title)} if d.title else set(), {answer.title} if answer.title else set())
        scores["issuers"].add(d.issuers, answer.issuers)
        scores["issuer count"].add({d.issuer_count} - {None}, {answer.issuer_count} - {None})
        scores["period"].add(
            {d.period} if d.period != (None, None) else set(), {answer.period} if answer.period != (None, None) else set()
        )
        _task_score(scores["tasks"], d.tasks, answer.tasks)
        scores["figures"].add(d.figures, answer.figures)
        if verbose:
            missing = answer.figures - d.figures
            extra = d.figures - answer.figures
            print(
                f"  {verbose}: 《{answer.title}》 tasks {len(d.tasks)}/{len(answer.tasks)}; "
                f"figures missing {sorted(missing, key=str)} extra {sorted(extra, key=str)}; "
                f"issuers {d.issuers} vs {answer.issuers}"
            )
    for extra in remaining:  # plans found that no key has
        scores["title"].add({squeeze(extra.title)} if extra.title else set(), set())
        scores["tasks"].found += len(extra.tasks)
        scores["figures"].found += len(extra.figures)
        if verbose:
            print(f"  {verbose}: extra plan 《{extra.title}》")


# --- the corpus: published plans against the importer's drafts ----------------------------------
def _spans(text: SourceText, quotes: list[str]) -> list[tuple[int, int]]:
    spans = [text.locate(q) for q in quotes if q]
    return [(s.start, s.end) for s in spans if s is not None]


def corpus_draft(path: Path, text: SourceText, organizations: dict[str, str], gazetteer: Gazetteer) -> Plan:
    """A draft plan file as the comparison sees it (figures by value: the drafts' units are the
    printed ones, the published plans' are the vocabulary's)."""
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    statements = [
        data["announcement"]["zh"],
        *(x["zh"] for key in ("aims", "principles", "safeguards") for x in data.get(key) or []),
    ]
    return Plan(
        squeeze(data["title"]["zh"]),
        _canonical(gazetteer, [organizations.get(i, i) for i in data["issuers"]]),
        data["issuer_count"],
        (data["period_start"], data["period_end"]),
        _spans(text, [t["text"]["zh"] for t in data["tasks"]]),
        {
            (Decimal(str(f["value"])), Decimal(str(f["value_to"])) if f["value_to"] is not None else None, "")
            for f in data["figures"]
        },
        region=data["region"],
        statements=_spans(text, statements),
        themes=set(data["themes"] or []),
        groups=set(data["groups"] or []),
    )


def corpus_answers(gazetteer: Gazetteer) -> dict[str, list[Plan]]:
    """The published plans of the corpus (the seed page's aside), by source."""
    dataset = load_content(ROOT / "content")
    out: dict[str, list[Plan]] = {}
    for plan in dataset.plans.values():
        if plan.source_id == "seed-page":
            continue
        out.setdefault(plan.source_id, []).append(
            Plan(
                squeeze(plan.title.zh),
                _canonical(gazetteer, [o.name.zh for o in plan.issuers]),
                plan.issuer_count,
                (plan.period_start, plan.period_end),
                [(t.span.start, t.span.end) for t in plan.tasks],
                {(f.value, f.value_to, "") for f in plan.figures},
                region=plan.region_id,
                statements=[(s.span.start, s.span.end) for s in plan.statements if s.kind != "task-count"],
                themes=set(plan.theme_ids),
                groups=set(plan.group_ids),
            )
        )
    return out


def compare_corpus(scores: dict[str, Score], found: list[Plan], expected: list[Plan], verbose: str | None = None) -> None:
    """``compare``, and the fields a reviewer decides: region, statements, themes, groups."""
    from actionplans.importer.plans import title_key

    compare(scores, found, expected, verbose)
    remaining = list(found)
    for answer in expected:
        draft = next((p for p in remaining if p.title and answer.title and title_key(p.title) == title_key(answer.title)), None)
        if draft is not None:
            remaining.remove(draft)
        d = draft or Plan(None, set(), None, (None, None), [], set())
        scores["region"].add({d.region} - {None}, {answer.region} - {None})
        _task_score(scores["statements"], d.statements, answer.statements)
        scores["themes"].add(d.themes, answer.themes)
        scores["groups"].add(d.groups, answer.groups)
    for extra in remaining:
        scores["statements"].found += len(extra.statements)
        scores["themes"].found += len(extra.themes)
        scores["groups"].found += len(extra.groups)


def evaluate_corpus(verbose: bool) -> tuple[dict[str, Score], dict[str, Score], int, int]:
    """The corpus's published plans against the drafts as first imported, and as drafted now."""
    gazetteer = Gazetteer()
    answers = corpus_answers(gazetteer)
    first = {name: Score() for name in CORPUS_FIELDS}
    now = {name: Score() for name in CORPUS_FIELDS}
    archive = DATA / "first-import"
    organizations = {
        o["id"]: o["name"]["zh"] for o in yaml.safe_load((archive / "organizations.yaml").read_text(encoding="utf-8"))
    }
    organizations |= {
        o["id"]: o["name"]["zh"] for o in yaml.safe_load((ROOT / "content" / "organizations.yaml").read_text(encoding="utf-8"))
    }
    with tempfile.TemporaryDirectory(prefix="ap-import-corpus-") as folder:
        for source, expected in sorted(answers.items()):
            raw = (ROOT / "content" / "sources" / f"{source}.txt").read_text(encoding="utf-8")
            text = SourceText(raw)
            drafted = [p for p in sorted(archive.glob("*.yaml")) if p.name not in ("organizations.yaml", "units.yaml")]
            archived = [
                corpus_draft(p, text, organizations, gazetteer)
                for p in drafted
                if yaml.safe_load(p.read_text(encoding="utf-8"))["source"] == source
            ]
            compare_corpus(first, archived, expected, f"first import: {source}" if verbose else None)
            content = _content(Path(folder) / source)
            path = Path(folder) / f"{source}.txt"
            path.write_text(raw, encoding="utf-8")
            try:
                import_texts([path], content, source_id=source)
                current = [
                    corpus_draft(p, text, organizations | _ids(content), gazetteer)
                    for p in sorted((content / "plans").glob("*.yaml"))
                ]
            except Exception as error:  # an import that fails counts as nothing found
                if verbose:
                    print(f"  now: {source}: {error}")
                current = []
            compare_corpus(now, current, expected, f"now: {source}" if verbose else None)
    return first, now, sum(len(v) for v in answers.values()), len(answers)


def _ids(content: Path) -> dict[str, str]:
    return {o["id"]: o["name"]["zh"] for o in yaml.safe_load((content / "organizations.yaml").read_text(encoding="utf-8"))}


def corpus_table(first: dict[str, Score], now: dict[str, Score], plans: int, sources: int) -> str:
    lines = [
        f"| field | {plans} published plans ({sources} sources), as first imported: precision | recall | F1 | found "
        "| as the importer drafts them now: precision | recall | F1 | found |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in CORPUS_FIELDS:
        lines.append(f"| {name} | {first[name].cells()} | {now[name].cells()} |")
    return "\n".join(lines) + "\n"


def review_times(path: Path) -> str:
    """Minutes per plan of the review, by reviewer (their first start to their last end, over the
    plans they reviewed), from the review log (plan, reviewer, start or end, time, changes)."""
    import csv
    import statistics
    from datetime import datetime

    if not path.is_file():
        return ""
    spans: dict[str, list[datetime]] = {}
    plans: dict[str, set[str]] = {}
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader((line for line in handle if not line.startswith("#")), delimiter="\t"):
            spans.setdefault(row["reviewer"], []).append(datetime.fromisoformat(row["time"]))
            plans.setdefault(row["reviewer"], set()).add(row["plan"])
    per_plan = sorted((max(t) - min(t)).total_seconds() / 60 / len(plans[r]) for r, t in spans.items())
    total = sum((max(t) - min(t)).total_seconds() for t in spans.values()) / 3600
    return (
        f"Review time (each plan's draft read against its source, corrected, translated and published; "
        f"{sum(len(v) for v in plans.values())} plans by {len(spans)} reviewers working at once, "
        f"from `{path.relative_to(ROOT)}`): "
        f"per plan, by reviewer, median {statistics.median(per_plan):.1f} min (from {per_plan[0]:.1f} to {per_plan[-1]:.1f}); "
        f"{total:.1f} reviewer-hours in all.\n"
    )


def _content(folder: Path) -> Path:
    """The project's content without its plans and sources: what a new import starts from."""
    content = folder / "content"
    shutil.copytree(ROOT / "content", content)
    for name in ("plans", "sources"):
        shutil.rmtree(content / name)
        (content / name).mkdir()
    return content


def evaluate(verbose: bool) -> tuple[dict[str, Score], dict[str, Score], int]:
    seed = {name: Score() for name in FIELDS}
    others = {name: Score() for name in FIELDS}
    keys = sorted((DATA / "keys").glob("*.yaml"))
    with tempfile.TemporaryDirectory(prefix="ap-import-eval-") as folder:
        content = _content(Path(folder))
        copy = Path(folder) / "seed-page.txt"
        shutil.copy(ROOT / "content" / "sources" / "seed-page.txt", copy)
        import_texts([copy], content)
        gazetteer = Gazetteer()
        compare(seed, drafts(content, "seed-page", gazetteer), seed_answers(gazetteer), "seed-page" if verbose else None)
        for key_path in keys:
            key = yaml.safe_load(key_path.read_text(encoding="utf-8"))
            text_path = DATA / "texts" / f"{key['id']}.txt"
            content = _content(Path(folder) / key["id"])
            try:
                import_texts([text_path], content, source_id=key["id"])
                found = drafts(content, key["id"], gazetteer)
            except Exception as error:  # an import that fails counts as nothing found
                if verbose:
                    print(f"  {key['id']}: {error}")
                found = []
            text = (
                SourceText((content / "sources" / f"{key['id']}.txt").read_text(encoding="utf-8"))
                if found
                else SourceText(text_path.read_text(encoding="utf-8"))
            )
            compare(others, found, key_answers(key, text, gazetteer), key["id"] if verbose else None)
    return seed, others, len(keys)


def speed() -> tuple[float, float, int]:
    """Seconds for one text of about 20,000 characters, and for 1,000 texts in one call."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    import random

    from corpus import _chinese, _layout

    rng = random.Random(7)
    labels = ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）", "（七）", "（八）", "（九）", "（十）"]

    def plan_text(n: int, items: int) -> str:
        body = (
            f"日前，民政部等{rng.randint(2, 30)}部门联合印发《关于推进第{n}项服务的行动方案（2024年-2026年）》。"
            f"《方案》提出了{min(items, 10)}项重点任务："
        )
        body += "".join(labels[i % 10] + _chinese(rng, 140) for i in range(items))
        return _layout(body)

    with tempfile.TemporaryDirectory(prefix="ap-import-speed-") as folder:
        content = _content(Path(folder))
        big = Path(folder) / "big.txt"
        big.write_text(plan_text(0, 120), encoding="utf-8")
        started = time.perf_counter()
        import_texts([big], content)
        one = time.perf_counter() - started
        texts = []
        for n in range(1000):
            path = Path(folder) / "many" / f"text-{n:04d}.txt"
            path.parent.mkdir(exist_ok=True)
            path.write_text(plan_text(n, 10), encoding="utf-8")
            texts.append(path)
        started = time.perf_counter()
        import_texts(texts, content)
        many = time.perf_counter() - started
        size = len(big.read_text(encoding="utf-8"))
    return one, many, size


def table(seed: dict[str, Score], others: dict[str, Score], count: int) -> str:
    lines = [
        f"| field | seed page: precision | recall | F1 | found | {count} other real texts: precision | recall | F1 | found |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name in FIELDS:
        lines.append(f"| {name} | {seed[name].cells()} | {others[name].cells()} |")
    return "\n".join(lines) + "\n"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--verbose", action="store_true")
    parser.add_argument("--out", type=Path, help="write the results into this file's importer section (BENCHMARKS.md)")
    args = parser.parse_args()
    seed, others, count = evaluate(args.verbose)
    result = table(seed, others, count)
    first, now, plans, sources = evaluate_corpus(args.verbose)
    corpus = corpus_table(first, now, plans, sources)
    times = review_times(ROOT / "reports" / "review-times.tsv")
    one, many, size = speed()
    timing = (
        f"Speed: one text of {size:,} characters in {one:.2f} s; 1,000 texts of about 2,000 characters in one call "
        f"in {many:.1f} s ({1000 * many / 1000:.0f} ms each).\n"
    )
    print(result)
    print(corpus)
    print(times)
    print(timing)
    if args.out:
        from report import replace_section

        method = (
            "Generated by `python benchmarks/importer_eval.py --out BENCHMARKS.md`. "
            "The seed page (`content/sources/seed-page.txt`) "
            "is imported afresh and its drafts compared with the hand-built plans of `content/plans/`; every real text under "
            "`tests/data/importer/texts/` (news reports and plan texts as web pages store them, with their furniture, spam "
            "and cut-off "
            "ends) with its hand-written key in `keys/`. Tasks match by span (an overlap of at least 90 % of their union), "
            "figures by "
            "value and unit, titles exactly, issuers by name (a short form counts as its full name), co-issuer counts and "
            "periods exactly. "
            '"found" is matched / expected.'
        )
        corpus_method = (
            "The corpus: each published plan (the seed page's aside) is compared with the importer's draft of its source, "
            "matched by title (dashes and quotation marks aside); a plan with no draft counts every field as missed. Two "
            "columns: the drafts as first imported, before review and before the importer was changed (kept in "
            "`tests/data/importer/first-import/`), and the drafts the importer writes now. Figures match by value (the "
            "drafts' units are the printed ones); statements (announcement, aims, principles, safeguards) and tasks by span; "
            "region exactly; themes and groups as sets per plan. What review added is the recall it lacked, what review "
            "removed the precision."
        )
        replace_section(
            args.out,
            "importer",
            "## Importer\n\n" + method + "\n\n" + result + "\n" + corpus_method + "\n\n" + corpus + "\n" + times + "\n" + timing,
        )


if __name__ == "__main__":
    main()
