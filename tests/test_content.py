"""The bundled corpus as the content checks read it: what the source states, and nothing more."""

import re
from decimal import Decimal
from pathlib import Path

import pytest

from actionplans.content import load_content
from actionplans.errors import ContentError
from actionplans.quotes import SourceText

from .conftest import CONTENT


def test_the_seed_pages_three_plans_with_their_stated_task_counts(dataset) -> None:
    counts = {p.id: (p.task_count, p.task_count_rule, len(p.tasks)) for p in dataset.plans.values() if p.source_id == "seed-page"}
    assert counts == {
        "sunshine-volunteers": (10, "equal", 10),
        "nm-elderly-meals": (10, "at-most", 5),
        "nx-children-care": (5, "equal", 5),
    }


def test_issuer_counts_as_stated(dataset) -> None:
    assert dataset.plan("nm-elderly-meals").issuer_count == 12
    assert dataset.plan("nx-children-care").issuer_count == 16
    assert dataset.plan("sunshine-volunteers").issuer_count is None  # the source states none
    assert [o.id for o in dataset.plan("nx-children-care").issuers][:3] == ["nx-civil-affairs", "nx-cac-office", "nx-education"]


def test_labels_as_printed(dataset) -> None:
    labels = [t.label for t in dataset.plan("sunshine-volunteers").tasks]
    assert labels == ["一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是", "九是", "十是"]
    assert all(t.label is None for t in dataset.plan("nm-elderly-meals").tasks)  # unnumbered in the source


def test_every_task_count_agrees_with_its_rule(dataset) -> None:
    """equal: as many tasks described as stated; at-most: no more than stated (or none stated,
    the source describing only some, as a cut-off page does)."""
    for plan in dataset.plans.values():
        described = len(plan.tasks)
        if plan.task_count_rule == "equal":
            assert plan.task_count in (None, described) and (plan.task_count is not None or described), plan.id
        else:
            assert plan.task_count is None or described <= plan.task_count, plan.id


def test_every_quote_is_where_its_span_says(dataset) -> None:
    texts = {s: SourceText((CONTENT / "sources" / f"{s}.txt").read_text(encoding="utf-8")) for s in dataset.sources}
    for task in dataset.tasks.values():
        assert texts[task.plan.source_id].excerpt(task.span) == re.sub(r"\s", "", task.text.zh)
    for figure in dataset.figures.values():
        assert texts[figure.plan.source_id].excerpt(figure.span) == re.sub(r"\s", "", figure.quote.zh)
    for plan in dataset.plans.values():
        for statement in plan.statements:
            assert texts[plan.source_id].excerpt(statement.span) == re.sub(r"\s", "", statement.text.zh)


def test_figures_stated_in_the_source(dataset) -> None:
    values = {(f.plan_id, f.value, f.unit_id) for f in dataset.figures.values()}
    for expected in [
        ("nm-elderly-meals", Decimal("5150500"), "person"),
        ("nm-elderly-meals", Decimal("21.45"), "percent"),
        ("nm-elderly-meals", Decimal("1.65"), "percentage-point"),
        ("nm-elderly-meals", Decimal("22.1"), "percent"),
        ("sunshine-volunteers", Decimal("100"), "base"),
        ("sunshine-volunteers", Decimal("100"), "station"),
        ("sunshine-volunteers", Decimal("2"), "visit"),
        ("nx-children-care", Decimal("16"), "department"),
    ]:
        assert expected in values


def test_glossary_is_large_enough(dataset) -> None:
    assert len(dataset.terms) >= 25


def test_source_attribution(dataset) -> None:
    source = dataset.sources["seed-page"]
    assert [a.zh for a in source.authors] == ["李庆", "皮磊"]
    assert source.year == 2024 and source.year_note is not None


def test_missing_content_folder(tmp_path) -> None:
    with pytest.raises(ContentError) as error:
        load_content(tmp_path / "nothing")
    assert [p.code for p in error.value.problems] == ["content-missing"]


def test_all_errors_reported_at_once(content_copy) -> None:
    plan = content_copy / "plans" / "nx-children-care.yaml"
    text = (
        plan.read_text(encoding="utf-8")
        .replace("period_end: 2026", "period_end: 3026")
        .replace("level: provincial", "level: provincal")
    )
    plan.write_text(text, encoding="utf-8")
    with pytest.raises(ContentError) as error:
        load_content(content_copy)
    assert sorted((p.field, p.code) for p in error.value.problems) == [
        ("level", "unknown-choice"),
        ("period_end", "invalid-year"),
    ]
    assert error.value.report().splitlines()[-1] == "2 errors"


def _report(root) -> str:
    return _error(root).report()


def _error(root) -> ContentError:
    with pytest.raises(ContentError) as error:
        load_content(root)
    return error.value


def test_ids_repeated_across_files_are_reported_in_file_order(content_copy) -> None:
    """Files are read by worker processes; ids must still be unique across them, and each repeat
    is reported where it stands, naming the first use."""
    sources = content_copy / "sources"
    seed = (sources / "seed-page.yaml").read_text(encoding="utf-8")
    (sources / "zz-page.yaml").write_text(seed, encoding="utf-8")
    plans = content_copy / "plans"
    (plans / "zz-copy.yaml").write_bytes((plans / "nx-children-care.yaml").read_bytes())
    plan = plans / "nm-elderly-meals.yaml"
    plan.write_text(plan.read_text(encoding="utf-8").replace("level: provincial", "level: provincal"), encoding="utf-8")
    error = _error(content_copy)
    report = error.report()
    at = content_copy.as_posix()
    codes = {(Path(p.location.path).name, p.code) for p in error.problems}
    assert codes == {
        ("nm-elderly-meals.yaml", "unknown-choice"),
        ("zz-copy.yaml", "duplicate-id"),
        ("zz-copy.yaml", "id-differs-from-file-name"),
        ("zz-page.yaml", "duplicate-id"),
    }, codes
    # where each repeat is reported, naming the first use
    assert (
        f"{at}/plans/zz-copy.yaml:46: tasks[0].id: duplicate task id 'nx-children-care-1' "
        f"(first at {at}/plans/nx-children-care.yaml:46)" in report
    )
    assert f"{at}/sources/zz-page.yaml:1: id: duplicate source id 'seed-page' (first at {at}/sources/seed-page.yaml:1)" in report
    assert "zz-copy.yaml:1: id: 'nx-children-care' differs from the file name 'zz-copy'" in report


def test_an_unknown_vocabulary_file_is_reported(content_copy) -> None:
    vocabularies = content_copy / "vocabularies"
    (vocabularies / "theme.yaml").write_bytes((vocabularies / "themes.yaml").read_bytes())
    report = _report(content_copy)
    assert "/vocabularies/theme.yaml: unknown vocabulary 'theme'; did you mean 'themes'?; expected one of regions.yaml" in report
    assert report.splitlines()[0].endswith("[unknown-vocabulary]")


def test_the_table_a_reference_is_checked_against_must_exist(dataset) -> None:
    """A misspelt table name in the plan checks is an error, never a silent check against another table."""
    from actionplans.content.plans import PlanContext, _PlanChecker
    from actionplans.content.spec import Where
    from actionplans.yamlfile import Map

    raw = Map(themes=["x"])
    raw.line, raw.key_lines = 1, {"themes": 1}
    context = PlanContext({}, {}, frozenset(), {"themes": {}, "organizations": {"x": None}}, None)  # type: ignore[arg-type]
    checker = _PlanChecker({"source": "s"}, raw, Where("f", []), context)
    with pytest.raises(KeyError):
        checker.refs(("x",), "theme", "theme", raw, "themes")
    checker.refs(("x",), "themes", "theme", raw, "themes")
    assert not checker.ok and [(p.field, p.code) for p in checker.where.problems] == [("themes[0]", "unknown-reference")]


def _package_bytes_in_a_pool_worker(root) -> int:
    from actionplans.datapackage import build_files

    return sum(len(data) for data in build_files(load_content(root)).values())


def test_content_read_in_a_pool_worker_stays_in_that_process(content_copy) -> None:
    """Pool workers are daemons, which may not start processes: they read every file themselves."""
    import multiprocessing

    from actionplans.datapackage import build_files

    with multiprocessing.get_context("fork").Pool(1) as pool:
        size = pool.apply(_package_bytes_in_a_pool_worker, (content_copy,))
    assert size == sum(len(data) for data in build_files(load_content(content_copy)).values())
