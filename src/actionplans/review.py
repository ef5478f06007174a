"""The preview's review pages: a plan's source text beside its records, every quote marked where
it was found, and the to-dos ``check`` lists for the plan and its source.

``actionplans serve`` writes them to ``review/<plan-id>/`` of the preview (never to the published
site: they show a source's whole text, which a news report's rights may not allow), with an index
at ``review/``. They are plain HTML pages made from one template, so reviewing a draft needs no
build of its own: an edit to the plan file shows on the next rebuild of the preview.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import jinja2

from . import model as m
from .errors import Problem
from .marks import Quote, marked_lines, numbered, quotes_of

#: Where the review pages are, under the preview's root.
FOLDER = "review"


def todos_of(plan: m.Plan, todos: Iterable[Problem]) -> list[Problem]:
    """The to-dos of a plan's file and of its source's file."""
    files = {f"plans/{plan.id}.yaml", f"sources/{plan.source_id}.yaml"}
    return [t for t in todos if any(t.location.path.endswith(name) for name in files)]


def review_pages(dataset: m.Dataset, texts: dict[str, str], todos: Iterable[Problem], templates: Path) -> dict[str, bytes]:
    """The review pages of every plan of ``dataset`` (drafts first), by path under the preview."""
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(templates / "review"), undefined=jinja2.StrictUndefined, autoescape=True
    )
    todos = list(todos)
    plans = sorted(dataset.plans.values(), key=lambda p: (p.id not in dataset.drafts, p.id))
    pages: dict[str, bytes] = {}
    rows: list[dict[str, Any]] = []
    for plan in plans:
        quotes = quotes_of([plan])
        own = todos_of(plan, todos)
        lines = list(numbered(marked_lines(texts.get(plan.source_id, ""), quotes)))
        page = env.get_template("plan.html.j2").render(
            plan=plan,
            draft=plan.id in dataset.drafts,
            quotes=quotes,
            lines=lines,
            todos=own,
            by_id=_by_id(quotes),
        )
        pages[f"{FOLDER}/{plan.id}/index.html"] = page.encode("utf-8")
        rows.append({"plan": plan, "draft": plan.id in dataset.drafts, "todos": len(own), "quotes": len(quotes)})
    pages[f"{FOLDER}/index.html"] = env.get_template("index.html.j2").render(rows=rows).encode("utf-8")
    return pages


def _by_id(quotes: list[Quote]) -> dict[str, Quote]:
    return {q.id: q for q in quotes}


__all__ = ["FOLDER", "review_pages", "todos_of"]
