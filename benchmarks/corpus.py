"""Synthetic corpora for the benchmarks: N tasks in plans of ten, each plan with its own source.

Each source is a made-up newspaper layout (Chinese text broken into short lines, as the real
page is), and every quote in the generated content is cut from it, so the content passes
`actionplans check` exactly as real content must. English texts have realistic lengths.
"""

from __future__ import annotations

import hashlib
import random
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
POOL = (
    "的一在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可主发年动同工也能下过子说产种面而方后多定"
    "学法所民得经三之进着等部度家电力里如水化高自理起小物现实加量都体制机当使点从业本去把性好应开它合还因由其些然前外"
    "天政日那社义事平形相全表间样与关各重新线内数正心反你明看原又么利比或但质气向道命此变条只没结解问意建月公无系军很"
)
LABELS = ["一是", "二是", "三是", "四是", "五是", "六是", "七是", "八是", "九是", "十是"]
ENGLISH = (
    "Improve the service network for older people and support community organizations in offering regular, "
    "targeted and standardized services, with funding shared by individuals, enterprises, government and society. "
)


def _chinese(rng: random.Random, length: int) -> str:
    text = "".join(rng.choice(POOL) for _ in range(length))
    # a comma every ~15 characters, as in real prose
    return "，".join(text[i : i + 15] for i in range(0, len(text), 15)) + "。"


def _layout(text: str, width: int = 13) -> str:
    """Break text into short lines as a newspaper column does (inside words, too)."""
    lines = [text[i : i + width] for i in range(0, len(text), width)]
    return "\n\n".join(lines) + "\n"


def _y(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def write_corpus(target: Path, tasks: int, seed: int = 1) -> Path:
    """A complete project folder (content, templates, config) with ``tasks`` tasks."""
    rng = random.Random(seed)
    if target.exists():
        shutil.rmtree(target)
    content = target / "content"
    for name in ("vocabularies", "pages"):
        shutil.copytree(ROOT / "content" / name, content / name)
    for name in ("organizations.yaml", "glossary.yaml", "package.yaml"):
        shutil.copy(ROOT / "content" / name, content / name)
    shutil.copytree(ROOT / "site_templates", target / "site_templates")
    shutil.copy(ROOT / "mkdocs.yml", target / "mkdocs.yml")
    shutil.copy(ROOT / "CHANGELOG.md", target / "CHANGELOG.md")
    (content / "sources").mkdir(parents=True)
    (content / "plans").mkdir(parents=True)
    plans = max(1, tasks // 10)
    for p in range(plans):
        count = min(10, tasks - p * 10) if p < plans - 1 else tasks - p * 10
        plan_id = f"plan-{p:05d}"
        title = "关于" + "".join(rng.choice(POOL) for _ in range(12)) + "的行动方案"
        announcement = f"日前，有关部门等{rng.randint(2, 30)}部门联合印发《{title}》。"
        count_quote = f"《方案》列出了{count}项重点任务。"
        aim = _chinese(rng, 60)
        items = [_chinese(rng, 140) for _ in range(count)]
        body = announcement + aim + count_quote + "".join(LABELS[i % 10] + item for i, item in enumerate(items))
        raw = _layout(body)
        (content / "sources" / f"{plan_id}.txt").write_text(raw, encoding="utf-8")
        digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()
        (content / "sources" / f"{plan_id}.yaml").write_text(
            f"id: {plan_id}\ntitle: {{zh: 合成来源{p}, en: Synthetic source {p}}}\npublisher: {{zh: 合成, en: Synthetic}}\n"
            f"authors: []\nyear: 2024\nfile: {plan_id}.txt\nsha256: {digest}\n"
            "rights: {zh: 合成数据。, en: Synthetic data.}\nkind: official-document\nrepublish: whole\nextent: whole\n",
            encoding="utf-8",
        )
        departments = announcement.split("等")[1].split("部门")[0]
        lines = [
            f"id: {plan_id}",
            f"source: {plan_id}",
            f"title: {{zh: {_y(title)}, en: {_y('Synthetic action plan ' + str(p))}}}",
            "issuers: [nm-civil-affairs]",
            f"issuer_count: {departments}",
            "level: provincial",
            "region: cn-nm",
            "period_start: 2024",
            "period_end: 2026",
            "groups: [older-people]",
            "themes: [meal-assistance]",
            f"task_count: {count}",
            "task_count_rule: equal",
            f"task_count_quote: {{zh: {_y(count_quote)}, en: {_y(f'The Plan lists {count} key tasks.')}}}",
            f"announcement: {{zh: {_y(announcement)}, en: {_y('Recently the departments jointly issued the plan.')}}}",
            f"aims:\n  - {{zh: {_y(aim)}, en: {_y(ENGLISH)}}}",
            "principles: []",
            "tasks:",
        ]
        for i, item in enumerate(items):
            lines += [
                f"  - id: {plan_id}-{i + 1}",
                f"    ordinal: {i + 1}",
                f"    label: {LABELS[i % 10]}",
                f"    title: {{zh: {_y(item[:15])}, en: {_y(f'Synthetic task {i + 1} of plan {p}')}}}",
                f"    text: {{zh: {_y(item)}, en: {_y(ENGLISH * 4)}}}",
                "    themes: [meal-assistance]",
                "    actors: [volunteers]",
                "    groups: [older-people]",
            ]
        lines += [
            "figures:",
            f"  - id: {plan_id}-tasks",
            "    task: null",
            "    kind: count",
            f"    value: {count}",
            "    value_to: null",
            "    unit: task",
            "    year: null",
            "    region: cn-nm",
            "    qualifier: exact",
            "    measure: {zh: 方案列出的重点任务数, en: number of key tasks listed in the plan}",
            f"    quote: {{zh: {_y(count_quote)}, en: {_y(f'The Plan lists {count} key tasks.')}}}",
        ]
        (content / "plans" / f"{plan_id}.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return target


if __name__ == "__main__":
    import sys

    write_corpus(Path(sys.argv[1]), int(sys.argv[2]))
