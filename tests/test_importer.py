"""`actionplans import`: every recogniser, every format, every bad input, and the seed page."""

from __future__ import annotations

import io
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from actionplans.cli import main
from actionplans.content import load_content
from actionplans.importer import ImportFailed, import_texts
from actionplans.importer.document import Document
from actionplans.importer.figures import quantities
from actionplans.importer.issuers import Gazetteer
from actionplans.importer.plans import find_plans
from actionplans.numerals import read_chinese, read_numbers
from actionplans.problems import IMPORT_NO_PLAN
from actionplans.quotes import SourceText, squeeze

from .conftest import CONTENT

DATA = Path(__file__).parent / "data" / "importer"
SEED = CONTENT / "sources" / "seed-page.txt"
#: The title in 《》 of the seed page's first plan, which the importer finds it by.
SEED_TITLE = "《“志愿助残阳光暖”行动实施方案（2024年-2026年）》"


@pytest.fixture
def into(tmp_path: Path) -> Path:
    """A content folder with the project's vocabularies, organizations and glossary, no plans and no sources."""
    content = tmp_path / "content"
    shutil.copytree(CONTENT, content)
    for folder in ("plans", "sources"):
        shutil.rmtree(content / folder)
        (content / folder).mkdir()
    return content


def _plans(text: str):
    document = Document(text)
    return document, find_plans(document, Gazetteer())


# --- numerals ----------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("numeral", "value"),
    [
        ("十", 10),
        ("百", 100),
        ("二十五", 25),
        ("二〇二四", 2024),
        ("二○○七", 2007),
        ("二十二点一", Decimal("22.1")),
        ("五百一十五点零五万", 5150500),
        ("两百", 200),
    ],
)
def test_chinese_numerals_are_read_on_the_numeral_alone(numeral, value) -> None:
    assert read_chinese(numeral) == value


def test_a_five_year_plan_label_is_no_number() -> None:
    assert read_chinese("十四五") is None
    assert read_numbers("统一部署") == [Decimal(1)]  # the numeral alone; 统 stays 统


def test_numbers_with_large_units_and_percent_words() -> None:
    assert read_numbers("515.05万人") == [Decimal("515.05"), Decimal("5150500")]
    assert Decimal("2622000000") in read_numbers("26.22亿元")
    assert read_numbers("百分之二十二点一的老年人") == [Decimal("22.1")]


# --- figures -----------------------------------------------------------------------------------
def _figures(text: str) -> list[tuple[str, str, str, str]]:
    from actionplans.numerals import format_number

    return [
        (format_number(q.value) + (f"-{format_number(q.value_to)}" if q.value_to else ""), q.unit, q.qualifier, q.kind)
        for q in quantities(squeeze(text))
    ]


def test_quantities_with_units_qualifiers_and_kinds() -> None:
    assert _figures("内蒙古60岁及以上老年人口已达到515.05万人，占全区常住人口总数的21.45%") == [
        ("5150500", "人", "exact", "statistic"),
        ("21.45", "%", "exact", "statistic"),
    ]
    assert _figures("每年交流探访至少2次") == [("2", "次", "at-least", "target")]
    assert _figures("以百家基地和百个驿站为依托") == [("100", "家", "exact", "count"), ("100", "个", "exact", "count")]
    assert _figures("培训7600多名持证残疾人，覆盖率达到90%以上，约300人参加") == [
        ("7600", "名", "approximately", "target"),
        ("90", "%", "at-least", "target"),
        ("300", "人", "approximately", "target"),
    ]
    assert _figures("到2026年，服务网络更加完善") == [("2026", "年", "exact", "period")]
    assert _figures("高于全国平均比例1.65个百分点") == [("1.65", "个百分点", "exact", "statistic")]
    assert _figures("包括清洁行动等6大行动、16条举措") == [("6", "大行动", "exact", "count"), ("16", "条", "exact", "count")]


@pytest.mark.parametrize(
    "text",
    [
        "浙政办发〔2022〕59号",
        "民发〔2023〕58号文件",
        "咨询电话：0951-5678901",
        "联系电话13912345678",
        "2023年10月24日发布",
        "10月23日电",
        "二○○七年一月二十三日",
        "“十四五”时期",
        "十四五规划",
        "发布时间：2023-10-24 11:02:00",
        "一是完善网络；二是扩大供给",
        "（一）建立机制",
        "未满18周岁",
        "开展一对一帮扶",
        "作为一项重要任务",
        "不让一个残疾人掉队",
    ],
)
def test_what_looks_like_a_number_but_is_none(text) -> None:
    assert _figures(text) == []


def test_a_year_inside_a_cited_title_is_no_figure(into, tmp_path) -> None:
    path = tmp_path / "cited.txt"
    path.write_text(
        "日前，民政部等5部门联合印发《关于推进养老服务的行动方案》。根据《中国儿童发展纲要(2021-2030年)》，到2025年，建成100个服务站。\n",
        encoding="utf-8",
    )
    import_texts([path], into)
    figures = yaml.safe_load((into / "plans" / "cited.yaml").read_text(encoding="utf-8"))["figures"]
    assert sorted((f["value"], f["unit"]) for f in figures) == [(5, "department"), (100, "unit"), (2025, "year")]


# --- issuers -------------------------------------------------------------------------------------
def test_issuers_from_the_gazetteer_with_their_regions() -> None:
    found = Gazetteer().find(squeeze("宁夏回族自治区民政厅、党委网信办、教育厅等16部门"))
    assert [(f.printed, f.body.zh, f.body.region.id) for f in found] == [
        ("宁夏回族自治区民政厅", "宁夏回族自治区民政厅", "cn-nx"),
        ("党委网信办", "宁夏回族自治区党委网信办", "cn-nx"),
        ("教育厅", "宁夏回族自治区教育厅", "cn-nx"),
    ]
    assert found[0].body.en == "Department of Civil Affairs of the Ningxia Hui Autonomous Region"


def test_short_forms_name_the_national_bodies() -> None:
    found = Gazetteer().find("民政部、国家发展改革委、财政部、中国残联、全国妇联、中央网信办")
    assert [f.body.zh for f in found] == [
        "民政部",
        "国家发展和改革委员会",
        "财政部",
        "中国残疾人联合会",
        "中华全国妇女联合会",
        "中央网络安全和信息化委员会办公室",
    ]
    assert all(f.body.region.id == "cn" for f in found)


def test_an_organization_of_the_content_is_known_by_its_id(dataset) -> None:
    found = Gazetteer(dataset.organizations).find("中国助残志愿者协会制定出台")
    assert [f.body.known_id for f in found] == ["cavpd"]


def test_a_city_department_is_an_issuer_without_a_known_region() -> None:
    (found,) = Gazetteer().find("东阳市人民政府办公室关于印发")
    assert found.body.zh == "东阳市人民政府办公室" and found.body.region.level is None


# --- paragraphs, furniture, titles -----------------------------------------------------------------
def test_page_furniture_is_not_text() -> None:
    document = Document(
        "您的位置：首页 > 新闻中心 > 民政要闻\n"
        "日前，民政部等5部门联合印发《关于推进养老服务的行动方案》，部署工作。\n"
        "责任编辑：张三\n分享到：微信 微博 QQ空间\n版权所有：某某网 京ICP备12345678号\n"
        "1、热点新闻标题 www.example.cnm/a.html\n"
    )
    kinds = [p.kind for p in document.paragraphs]
    assert kinds == ["furniture", "text", "furniture", "furniture", "furniture", "furniture"]


def test_column_layout_lines_are_joined_into_paragraphs() -> None:
    text = (SEED).read_text(encoding="utf-8")
    document = Document(text)
    paragraphs = [document.text(p.start, p.end) for p in document.paragraphs if p.kind == "text"]
    assert "据介绍，“志愿助残阳光暖”行动重点包括10项内容：" in paragraphs
    assert any(p.startswith("一是深化开展“青年志愿者助残阳光行动”") and p.endswith("志愿助残服务。") for p in paragraphs)


def test_reported_titles_are_plans_and_cited_titles_are_not() -> None:
    document, plans = _plans(
        "近日，民政部等11部门联合印发《积极发展老年助餐服务行动方案》（以下简称《方案》）。根据《中华人民共和国老年人权益保障法》和《“十四五”国家老龄事业发展规划》，"
        "《方案》提出，到2025年底，服务网络形成一定规模。\n"
    )
    assert [document.text(*p.title) for p in plans] == ["积极发展老年助餐服务行动方案"]
    assert plans[0].aliases == {"方案"} and plans[0].issuer_count == 11 and plans[0].period == (None, 2025)


def test_titles_issued_together_are_plans_each() -> None:
    document, plans = _plans("近日，国家卫健委印发《关于命名示范省的通知》和《关于命名示范县的通知》，命名山东省为示范省。\n")
    assert [document.text(*p.title) for p in plans] == ["关于命名示范省的通知", "关于命名示范县的通知"]
    assert all([f.body.zh for f in p.issuers] == ["国家卫生健康委员会"] for p in plans)


def test_a_plan_text_without_title_marks_is_named_by_its_heading() -> None:
    document, plans = _plans(
        "东阳市促进残疾人就业行动实施方案(2023—2025年)\n一、总体目标\n到2025年，实现就业800人以上。\n二、主要措施\n（一）实施帮扶行动。开展培训。\n（二）实施服务行动。提供服务。\n"
    )
    (plan,) = plans
    assert document.text(*plan.title) == "东阳市促进残疾人就业行动实施方案(2023—2025年)" and plan.period == (2023, 2025)
    assert [t.label for t in plan.tasks] == ["（一）", "（二）"]  # the sections that are tasks hold them


# --- tasks ---------------------------------------------------------------------------------------
def _tasks(text: str) -> list[tuple[str | None, str]]:
    document, (plan,) = _plans(text)
    return [(t.label, document.text(t.start, t.end)) for t in plan.tasks]


def test_the_enumeration_whose_length_matches_the_stated_count_wins() -> None:
    text = (
        "日前，民政部等3部门联合印发《关于推进服务的行动方案》。《方案》列出了三项重点任务：一是建立网络，（1）设站点，（2）配人员；"
        "二是扩大供给；三是提升质量。\n"
    )
    assert _tasks(text) == [("一是", "建立网络，（1）设站点，（2）配人员；"), ("二是", "扩大供给；"), ("三是", "提升质量。")]


def test_markers_with_ascii_punctuation_and_across_broken_lines() -> None:
    text = "日前,民政部等2部门联合印发《关于推进服务的行动方案》。\n(一)建立服务网\n络。\n(二)扩大服务供给。\n"
    assert _tasks(text) == [("(一)", "建立服务网络。"), ("(二)", "扩大服务供给。")]


def test_markers_inside_titles_and_quotes_are_not_tasks() -> None:
    text = (
        "日前，民政部等2部门联合印发《关于推进服务的行动方案》。"
        "方案提出“一是要快、二是要好”的要求，并实施两项行动：一是建设行动；二是培训行动。\n"
    )
    assert [label for label, _ in _tasks(text)] == ["一是", "二是"]
    assert _tasks(text)[0][1] == "建设行动；"


def test_a_rewrites_own_numbered_points_are_not_tasks() -> None:
    text = (
        "民政部等11部门印发《积极发展老年助餐服务行动方案》今天受到关注。\n"
        "1、【民政部等11部门印发方案】据民政部网站消息，民政部印发了方案。\n"
        "2、其中提出，到2025年底，服务网络基本形成。\n"
    )
    assert _tasks(text) == []


def test_unnumbered_measures_after_their_count_are_tasks() -> None:
    text = (
        "近日，民政厅等3部门联合印发《关于发展助餐服务的实施方案》。\n《实施方案》提出了10项具体措施。\n"
        "其中提到，支持助餐服务设施与社区服务中心共建共享。\n鼓励慈善组织参与助餐服务，培育志愿者队伍。\n■ 本报记者 李四\n"
    )
    assert _tasks(text) == [
        (None, "支持助餐服务设施与社区服务中心共建共享。"),
        (None, "鼓励慈善组织参与助餐服务，培育志愿者队伍。"),
    ]


# --- the seed page, formats, writing ---------------------------------------------------------------
def test_the_seed_page_imports_into_the_hand_built_plans(into, tmp_path, dataset) -> None:
    path = tmp_path / "seed-page.txt"
    shutil.copy(SEED, path)
    report = import_texts([path], into)
    assert [(p.title, p.tasks, p.task_count) for p in report.plans] == [
        ("“志愿助残阳光暖”行动实施方案（2024年-2026年）", 10, 10),
        ("内蒙古自治区积极发展老年助餐服务行动实施方案", 5, 10),
        ("全区农村留守儿童和困境儿童关爱服务质量提升三年行动方案", 5, 5),
    ]
    drafts = load_content(into, drafts=True)
    assert not [t for t in drafts.todos if t.severity != "todo"]
    by_title = {p.title.zh: p for p in drafts.plans.values()}
    for plan in (p for p in dataset.plans.values() if p.source_id == "seed-page"):
        draft = by_title[plan.title.zh]
        assert [(t.span.start, t.span.end) for t in draft.tasks] == [(t.span.start, t.span.end) for t in plan.tasks], plan.id
        assert [t.label for t in draft.tasks] == [t.label for t in plan.tasks]
        assert {(f.value, f.value_to) for f in draft.figures} == {(f.value, f.value_to) for f in plan.figures}, plan.id
        assert (draft.issuer_count, draft.period_start, draft.period_end, draft.region_id) == (
            plan.issuer_count,
            plan.period_start,
            plan.period_end,
            plan.region_id,
        )
        assert [o.name.zh for o in draft.issuers] == [o.name.zh for o in plan.issuers]
    assert load_content(into).plans == {}  # drafts are never published


def test_a_draft_gives_the_translator_the_glossary_renderings(into, tmp_path) -> None:
    path = tmp_path / "seed-page.txt"
    shutil.copy(SEED, path)
    import_texts([path], into)
    text = (into / "plans" / "seed-page-3.yaml").read_text(encoding="utf-8")
    assert 'en: ""  # glossary: 农村留守儿童 = rural left-behind children; 困境儿童 = children in difficult situations' in text
    assert "status: draft" in text


def _import_one(into: Path, path: Path) -> dict:
    import_texts([path], into)
    (plan,) = (into / "plans").glob("*.yaml")
    return yaml.safe_load(plan.read_text(encoding="utf-8"))


PLAN_TEXT = (
    "日前，民政部等3部门联合印发《关于推进养老服务的行动方案（2024年-2026年）》。"
    "《方案》列出了两项重点任务。一是建设服务网络；二是开展志愿服务。"
)


def test_a_gb18030_text_is_read(into, tmp_path) -> None:
    path = tmp_path / "gbk.txt"
    path.write_bytes((PLAN_TEXT + "本方案自印发之日起施行，各地要结合实际认真贯彻落实。\n").encode("gb18030"))
    plan = _import_one(into, path)
    assert plan["title"]["zh"] == "关于推进养老服务的行动方案（2024年-2026年）" and [t["label"] for t in plan["tasks"]] == [
        "一是",
        "二是",
    ]


def test_the_main_text_of_a_saved_page_without_its_furniture(into, tmp_path) -> None:
    paragraphs = "".join(f"<p>{sentence}。</p>" for sentence in PLAN_TEXT.rstrip("。").split("。"))
    page = (
        "<html><head><title>民政部等3部门印发方案_新闻中心</title>"
        "<meta property='og:site_name' content='某某新闻网'></head><body>"
        "<nav><a href='/'>首页</a> &gt; <a href='/news'>新闻中心</a> &gt; 民政要闻</nav>"
        "<div class='share'>分享到：微信 微博 QQ空间</div>"
        f"<article><h1>民政部等3部门印发方案</h1><div class='content'>{paragraphs}"
        "<p>本方案自印发之日起施行，各地要结合实际认真贯彻落实，确保取得实效。</p></div></article>"
        "<aside><h3>相关新闻</h3><ul><li><a href='/a'>另一条新闻：《关于做好冬季救助工作的通知》印发</a></li></ul></aside>"
        "<footer>版权所有 某某新闻网 京ICP备12345678号 责任编辑：张三</footer></body></html>"
    )
    path = tmp_path / "page.html"
    path.write_text(page, encoding="utf-8")
    plan = _import_one(into, path)
    text = (into / "sources" / "page.txt").read_text(encoding="utf-8")
    assert "分享到" not in text and "版权所有" not in text and "相关新闻" not in text and "首页" not in text
    assert [t["text"]["zh"] for t in plan["tasks"]] == ["建设服务网络；", "开展志愿服务。"]
    source = yaml.safe_load((into / "sources" / "page.yaml").read_text(encoding="utf-8"))
    assert source["status"] == "draft" and source["title"]["zh"].startswith("民政部等3部门印发方案")


def test_a_word_document(into, tmp_path) -> None:
    import docx

    document = docx.Document()
    for sentence in PLAN_TEXT.split("。"):
        if sentence:
            document.add_paragraph(sentence + "。")
    buffer = io.BytesIO()
    document.save(buffer)
    path = tmp_path / "plan.docx"
    path.write_bytes(buffer.getvalue())
    plan = _import_one(into, path)
    assert [t["label"] for t in plan["tasks"]] == ["一是", "二是"] and plan["issuer_count"] == 3


def test_a_pdf_with_a_text_layer(into, tmp_path) -> None:
    path = tmp_path / "plan.pdf"
    path.write_bytes(make_pdf([PLAN_TEXT[:40], PLAN_TEXT[40:]]))
    plan = _import_one(into, path)
    assert plan["title"]["zh"] == "关于推进养老服务的行动方案（2024年-2026年）" and len(plan["tasks"]) == 2
    source = yaml.safe_load((into / "sources" / "plan.yaml").read_text(encoding="utf-8"))
    assert source["original"]["file"] == "plan.pdf" and len(source["original"]["sha256"]) == 64


def _refused(into: Path, paths: list[Path], message: str, capsys, *options: str) -> None:
    before = sorted(p.relative_to(into).as_posix() for p in into.rglob("*"))
    capsys.readouterr()
    code = main(["import", *map(str, paths), "--into", str(into), *options])
    err = capsys.readouterr().err
    assert code == 1 and "Traceback" not in err
    assert message in err and "; expected " in err, err
    assert sorted(p.relative_to(into).as_posix() for p in into.rglob("*")) == before, "a refused import wrote something"


def test_bad_inputs_are_refused_and_nothing_is_written(into, tmp_path, capsys) -> None:
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    _refused(into, [empty], "empty.txt: the file is empty", capsys)
    binary = tmp_path / "binary.txt"
    binary.write_bytes(bytes(range(256)) * 8)
    _refused(into, [binary], "binary.txt: a binary file, not text", capsys)
    unknown = tmp_path / "unknown.txt"
    unknown.write_bytes(bytes([0x81, 0x30, 0xFE, 0xFF, 0xC0, 0x80]) * 40)
    _refused(into, [unknown], "unknown.txt: cannot tell the text's encoding", capsys)
    noplan = tmp_path / "noplan.txt"
    noplan.write_text("今天天气很好，我们去公园散步，看到很多老年人在锻炼身体。\n", encoding="utf-8")
    _refused(into, [noplan], "noplan.txt: no plan found", capsys)
    scanned = tmp_path / "scan.pdf"
    scanned.write_bytes(make_pdf([]))
    _refused(into, [scanned], "scan.pdf: the PDF has no text layer (a scan?)", capsys)
    other = tmp_path / "notes.rtf"
    other.write_text("{\\rtf1 方案}", encoding="utf-8")
    _refused(into, [other], "notes.rtf: unknown kind of file", capsys)
    good = tmp_path / "good.txt"
    good.write_text(PLAN_TEXT + "\n", encoding="utf-8")
    _refused(into, [good, noplan], "noplan.txt: no plan found", capsys)  # one bad file: none is imported


def test_an_existing_file_is_replaced_only_with_force(into, tmp_path, capsys) -> None:
    good = tmp_path / "good.txt"
    good.write_text(PLAN_TEXT + "\n", encoding="utf-8")
    assert main(["import", str(good), "--into", str(into)]) == 0
    edited = into / "plans" / "good.yaml"
    edited.write_text(edited.read_text(encoding="utf-8").replace("status: draft", "status: draft  # reviewing"), encoding="utf-8")
    _refused(into, [good], "good.yaml: already exists; expected new files (use --force to replace them)", capsys)
    assert "# reviewing" in edited.read_text(encoding="utf-8")
    assert main(["import", str(good), "--into", str(into), "--force"]) == 0
    assert "# reviewing" not in edited.read_text(encoding="utf-8")


def test_new_organizations_regions_and_units_are_added_as_drafts(into, tmp_path) -> None:
    path = tmp_path / "jilin.txt"
    path.write_text(
        "近日，吉林省民政厅、财政厅等8部门联合印发《吉林省养老服务行动方案》。《方案》提出，到2025年，建成200座养老院。\n",
        encoding="utf-8",
    )
    known = {o["id"] for o in yaml.safe_load((into / "organizations.yaml").read_text(encoding="utf-8"))}
    assert "cn-jl" not in (into / "vocabularies" / "regions.yaml").read_text(encoding="utf-8") and not known & {
        "jl-civil-affairs",
        "jl-finance",
    }
    import_texts([path], into)
    organizations = yaml.safe_load((into / "organizations.yaml").read_text(encoding="utf-8"))
    added = [o for o in organizations if o.get("status") == "draft"]
    assert [(o["name"]["zh"], o["name"]["en"], o["region"]) for o in added] == [
        ("吉林省民政厅", "Department of Civil Affairs of Jilin Province", "cn-jl"),
        ("吉林省财政厅", "Department of Finance of Jilin Province", "cn-jl"),
    ]
    regions = yaml.safe_load((into / "vocabularies" / "regions.yaml").read_text(encoding="utf-8"))
    assert {
        "id": "cn-jl",
        "status": "draft",
        "label": {"zh": "吉林省", "en": "Jilin Province"},
        "level": "provincial",
        "code_gb2260": "220000",
        "code_iso": "CN-JL",
        "parent": "cn",
    } in regions
    units = yaml.safe_load((into / "vocabularies" / "units.yaml").read_text(encoding="utf-8"))
    assert {"id": "building", "status": "draft", "label": {"zh": "座", "en": "building"}, "description": None} in units
    dataset = load_content(into, drafts=True)
    assert dataset.plans["jilin"].region_id == "cn-jl"


def test_a_published_plan_may_not_use_a_draft_organization(into, tmp_path) -> None:
    from actionplans.errors import ContentError

    path = tmp_path / "gansu.txt"
    path.write_text(
        "近日，甘肃省民政厅等8部门联合印发《甘肃省养老服务行动方案》。《方案》提出，到2025年，建成200所养老院。\n",
        encoding="utf-8",
    )
    import_texts([path], into)
    shutil.copy(CONTENT / "plans" / "nm-elderly-meals.yaml", into / "plans" / "nm-elderly-meals.yaml")
    shutil.copy(CONTENT / "sources" / "seed-page.txt", into / "sources" / "seed-page.txt")
    shutil.copy(CONTENT / "sources" / "seed-page.yaml", into / "sources" / "seed-page.yaml")
    plan = into / "plans" / "nm-elderly-meals.yaml"
    plan.write_text(
        plan.read_text(encoding="utf-8").replace("issuers: [nm-civil-affairs]", "issuers: [nm-civil-affairs, gs-civil-affairs]"),
        encoding="utf-8",
    )
    with pytest.raises(ContentError) as error:
        load_content(into)
    assert [(p.field, p.code) for p in error.value.problems] == [("issuers[1]", "draft-reference")], error.value.report()


def test_check_lists_the_to_dos_of_a_draft_and_exits_zero(into, tmp_path, capsys) -> None:
    good = tmp_path / "good.txt"
    good.write_text(PLAN_TEXT + "\n", encoding="utf-8")
    assert main(["import", str(good), "--into", str(into)]) == 0
    capsys.readouterr()
    assert main(["check", "--content", str(into)]) == 0
    out = capsys.readouterr().out
    assert "title.en: to translate; expected an English translation [translate]" in out
    assert "[review-draft]" in out and "1 of them drafts" in out
    assert main(["package", "--content", str(into), "--out", str(tmp_path / "dp")]) == 0
    assert "1 draft plan left out (status: draft)" in capsys.readouterr().out


def test_the_answer_keys_quote_their_texts() -> None:
    keys = sorted((DATA / "keys").glob("*.yaml"))
    assert len(keys) >= 10
    for path in keys:
        key = yaml.safe_load(path.read_text(encoding="utf-8"))
        joined = SourceText((DATA / "texts" / f"{key['id']}.txt").read_text(encoding="utf-8")).joined
        for plan in key["plans"]:
            for task in plan.get("tasks") or []:
                assert squeeze(str(task["start"])) in joined and squeeze(str(task["end"])) in joined, (path.name, task)
            for figure in plan.get("figures") or []:
                assert squeeze(str(figure["quote"])) in joined, (path.name, figure["quote"])


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    cut=st.integers(0, 3000),
    length=st.integers(0, 400),
    noise=st.text(alphabet="一二三四五是（）()、，。；：《》“”12345 \n方案印发部门项", max_size=40),
)
@example(cut=1669, length=0, noise="\n《，")  # a paragraph cut to begin "《，": its first clause has no Chinese
def test_every_text_a_draft_quotes_occurs_in_its_source(tmp_path_factory, cut, length, noise) -> None:
    """Whatever the edit of the seed page, the drafts quote only what the text says, and pass
    the content checks. An edit that leaves a plan's title in 《》 (the page's first plan, 《“志愿
    助残阳光暖”行动实施方案…》) whole is always imported; only one that cuts into it may be
    refused, and then only because no plan is found."""
    folder = tmp_path_factory.mktemp("property")
    content = folder / "content"
    shutil.copytree(CONTENT, content, ignore=shutil.ignore_patterns("plans", "seed-page.*"))
    (content / "plans").mkdir()
    seed = SEED.read_text(encoding="utf-8")
    cut %= len(seed)
    edited = seed[:cut] + noise + seed[cut + length :]
    path = folder / "edited.txt"
    path.write_text(edited, encoding="utf-8")
    title = seed.index(SEED_TITLE)
    keeps_title = cut + length <= title or cut >= title + len(SEED_TITLE)
    try:
        import_texts([path], content)
    except ImportFailed as error:
        assert not keeps_title, f"refused an edit that leaves the plan's title whole: {error}"
        assert error.code == IMPORT_NO_PLAN, error
        return
    source = SourceText((content / "sources" / "edited.txt").read_text(encoding="utf-8"))
    for plan_path in (content / "plans").glob("*.yaml"):
        data = yaml.safe_load(plan_path.read_text(encoding="utf-8"))
        quotes = [data["title"], data["announcement"], *data["aims"], *data["principles"], *data["safeguards"]]
        quotes += [x for t in data["tasks"] for x in (t["title"], t["text"])] + [f["quote"] for f in data["figures"]]
        for quote in quotes:
            assert source.locate(quote["zh"]) is not None, quote["zh"]
    load_content(content, drafts=True)  # raises on any error


@settings(max_examples=25, deadline=None)
@given(text=st.text(alphabet="一二三四五是（）()、，。；：“”12345 \n印发部门项目服务老年人儿童", min_size=1, max_size=300))
def test_a_text_with_no_plan_is_refused_for_that_reason(tmp_path_factory, text) -> None:
    """Chinese text that names no plan (no title in 《》, no plan heading) is refused as having no
    plan, and nothing is written."""
    folder = tmp_path_factory.mktemp("refused")
    path = folder / "noplan.txt"
    path.write_text(text + "关于养老服务的情况说明。", encoding="utf-8")
    with pytest.raises(ImportFailed) as error:
        import_texts([path], folder / "content")
    assert error.value.code == IMPORT_NO_PLAN
    assert not (folder / "content").exists()


def make_pdf(lines: list[str]) -> bytes:
    """A PDF whose text layer holds ``lines``, with no font program: each character is a
    two-byte code that a ToUnicode CMap maps to its Unicode value, which is all a text extractor
    reads. With no lines it is a page without text, as a scan is."""
    chars = sorted({ch for line in lines for ch in line})
    code = {ch: i + 1 for i, ch in enumerate(chars)}
    pairs = "\n".join(f"<{code[ch]:04X}> <{ord(ch):04X}>" for ch in chars)
    cmap = (
        "/CIDInit /ProcSet findresource begin 12 dict begin begincmap "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def "
        "/CMapName /Adobe-Identity-UCS def /CMapType 2 def 1 begincodespacerange <0000> <FFFF> endcodespacerange "
        f"{len(chars)} beginbfchar\n{pairs}\nendbfchar endcmap CMapName currentdict /CMap defineresource pop end end"
    )
    shown = " ".join(f"<{''.join(f'{code[ch]:04X}' for ch in line)}> Tj T*" for line in lines)
    stream = f"BT /F1 12 Tf 14 TL 50 780 Td {shown} ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        "<< /Type /Font /Subtype /Type0 /BaseFont /Test /Encoding /Identity-H /DescendantFonts [6 0 R] /ToUnicode 7 0 R >>",
        f"<< /Length {len(stream.encode())} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Test "
        "/CIDSystemInfo << /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /FontDescriptor 8 0 R /DW 1000 >>",
        f"<< /Length {len(cmap.encode())} >>\nstream\n{cmap}\nendstream",
        "<< /Type /FontDescriptor /FontName /Test /Flags 4 /FontBBox [0 0 1000 1000] /ItalicAngle 0 "
        "/Ascent 880 /Descent -120 /CapHeight 700 /StemV 80 >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode()
    xref = len(out)
    out += (
        f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode() + "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    )
    return out + f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()


# --- mistakes found in review of the corpus ----------------------------------------------------
REGRESSIONS = yaml.safe_load((DATA / "regressions.yaml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("case", REGRESSIONS, ids=[c["case"] for c in REGRESSIONS])
def test_a_mistake_found_in_review_stays_fixed(case) -> None:
    document, plans = _plans(case["text"])
    assert [document.text(*p.title) for p in plans] == case["titles"]
    plan = plans[0]
    if "issuers" in case:
        assert [f.printed for f in plan.issuers] == case["issuers"]
    if "announcement_starts" in case:
        assert plan.announcement is not None and document.text(*plan.announcement).startswith(case["announcement_starts"])
    if "tasks" in case:
        assert [document.text(t.start, t.end) for t in plan.tasks] == case["tasks"]


@pytest.mark.parametrize("case", REGRESSIONS, ids=[c["case"] for c in REGRESSIONS])
def test_every_regression_case_quotes_its_source(case) -> None:
    """Each paragraph of a case is words of the corpus text it names, in that text's order."""
    source = CONTENT / "sources" / f"{case['source']}.txt"
    if not source.is_file():  # an excerpt of a text not (yet) in the corpus: of the importer's test texts
        source = DATA / "texts" / f"{case['source']}.txt"
    joined = squeeze(source.read_text(encoding="utf-8"))
    at = 0
    for paragraph in filter(None, (squeeze(p) for p in case["text"].split("\n"))):
        found = joined.find(paragraph, at)
        assert found >= 0, f"{case['source']}: {paragraph[:30]}… is not in the text after position {at}"
        at = found + len(paragraph)


def test_a_text_file_is_kept_as_it_is(into, tmp_path) -> None:
    """A stored copy of a page is published as found: trailing spaces, blank lines and a missing
    final line break are kept (only CRLF line ends become LF)."""
    raw = "来源:某报 \r\n\r\n近日,民政部印发《关于推进养老服务的行动方案(2024-2026年)》。  \r\n一是建设服务网络;二是开展志愿服务"
    path = tmp_path / "stored.txt"
    path.write_bytes(raw.encode("utf-8"))
    import_texts([path], into)
    assert (into / "sources" / "stored.txt").read_bytes() == raw.replace("\r\n", "\n").encode("utf-8")


@pytest.mark.parametrize(
    ("ending", "extent"),
    [
        ("现印发给你们,请认真贯彻实施。\n\n一、总", "beginning"),  # cut in a heading (gd-child-friendly-city-notice)
        ("统筹城乡妇女儿童协调发展。规划的颁布实施将为新起点上全面推进妇", "beginning"),
        ("推动形成良好社会环境。", "whole"),
        ("推动形成良好社会环境。\n\n责任编辑:邓纯雪\n中国精神文明网网站©版权所有", "whole"),  # its footer: the page's end
    ],
)
def test_a_draft_source_says_whether_its_text_is_cut(into, tmp_path, ending, extent) -> None:
    path = tmp_path / "cut.txt"
    path.write_text("近日,民政部印发《关于推进养老服务的行动方案(2024-2026年)》。" + ending, encoding="utf-8")
    import_texts([path], into)
    assert yaml.safe_load((into / "sources" / "cut.yaml").read_text(encoding="utf-8"))["extent"] == extent


def test_a_reporter_who_learned_something_is_no_author(into, tmp_path) -> None:
    """记者从全国妇联获悉 ("the reporter learned from the All-China Women's Federation") names no
    one (national-family-education-plan-news); 记者杨昊 does."""
    path = tmp_path / "news.txt"
    path.write_text("记者从全国妇联获悉:全国妇联近日印发《关于指导推进家庭教育的五年规划》。(记者杨昊)\n", encoding="utf-8")
    import_texts([path], into)
    authors = yaml.safe_load((into / "sources" / "news.yaml").read_text(encoding="utf-8"))["authors"]
    assert [a["zh"] for a in authors] == ["杨昊"]


def test_a_ceiling_is_at_most() -> None:
    """控制在…以下 sets a ceiling (ha-healthy-henan-2023-2025): the qualifier is at-most."""
    (q,) = quantities("5岁以下儿童生长迟缓率控制在5%以下")
    assert (q.value, q.qualifier) == (Decimal("5"), "at-most")
    assert {q.value: q.qualifier for q in quantities("不超过30%")} == {Decimal("30"): "at-most"}
