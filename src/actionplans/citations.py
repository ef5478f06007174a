"""How the data is cited: each plan's and task's citation, the data set's in GB/T 7714, APA and
BibTeX, and its schema.org description (JSON-LD) for the home and data pages.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from . import model as m
from .downloads import Download
from .history import History
from .routes import relative_path, url_dir

#: Sources the home and data pages' JSON-LD names one by one (past this, it links their table).
JSONLD_SOURCES = 20


@dataclass(frozen=True)
class Citations:
    """The citations of one data set, with the site's address (``base``, "" for none), its
    releases and the interface labels of each language."""

    ds: m.Dataset
    base: str
    history: History
    labels: dict[str, dict[str, str]]
    downloads: Sequence[Download] = ()

    def page_url(self, path: str, lang: str) -> str:
        """The absolute address of a page, or "" when the site has none."""
        return f"{self.base}{'en/' if lang == 'en' else ''}{path}" if self.base else ""

    def permanent_url(self) -> str:
        """The permanent address of the data's current version (its release page), or the site's
        address when the data is not a release, or "" when the site has none."""
        current = self.history.current
        if not self.base:
            return ""
        return self.base + current.path if current is not None and current.version == self.ds.version else self.base

    def _dataset_citation(self, lang: str) -> str:
        meta, t = self.ds.meta, self.labels[lang]
        author = meta.contributors[0].title if meta.contributors else meta.name
        return t["cite_dataset"].format(author=author, title=meta.title.get(lang), version=meta.version, year=meta.created[:4])

    def task(self, task: m.Task, lang: str) -> str:
        t = self.labels[lang]
        # The printed number (一是, （三）) in Chinese; in English, the task's place in its plan.
        label = task.label if task.label and lang == "zh" else t["item_n"].format(n=task.ordinal)
        where = self.page_url(f"tasks/{task.id}/", lang)
        return f"{self._dataset_citation(lang)}. {task.plan.title.get(lang)}, {label}." + (f" {where}" if where else "")

    def plan(self, plan: m.Plan, lang: str) -> str:
        where = self.page_url(f"plans/{plan.id}/", lang)
        return f"{self._dataset_citation(lang)}. {plan.title.get(lang)}." + (f" {where}" if where else "")

    def citations(self, lang: str) -> dict[str, str]:
        meta = self.ds.meta
        year, day = meta.created[:4], meta.created[:10]
        author = meta.contributors[0].title if meta.contributors else meta.name
        url = self.permanent_url()
        gbt = f"{author}. {meta.title.get(lang)}: V{meta.version}[DS/OL]. ({day})" + (f"[{day}]. {url}." if url else ".")
        apa = f"{author}. ({year}). {meta.title.en} (Version {meta.version}) [Data set]." + (f" {url}" if url else "")
        bibtex = [
            f"@misc{{{meta.name}_{year},",
            f"  author = {{{{{author}}}}},",
            f"  title = {{{meta.title.en}}},",
            f"  year = {{{year}}},",
            f"  version = {{{meta.version}}},",
        ]
        if url:
            bibtex.append(f"  url = {{{url}}},")
        bibtex += [f"  note = {{Data set, {meta.licence_title} ({meta.licence_name})}}", "}"]
        return {"gbt": gbt, "apa": apa, "bibtex": "\n".join(bibtex)}

    def jsonld(self, lang: str, path: str) -> str:
        """schema.org Dataset for the home and data pages, safe to inline in a script element.
        Without a site address its URLs are relative to the page."""
        meta = self.ds.meta
        here = f"en/{url_dir(path)}".rstrip("/") if lang == "en" else url_dir(path)

        def link(target: str) -> str:
            return self.base + target if self.base else relative_path(target, here)

        document: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "Dataset",
            "name": meta.title.get(lang),
            "alternateName": meta.title.en if lang == "zh" else meta.title.zh,
            "description": meta.description.get(lang),
            "version": meta.version,
            "dateModified": meta.created[:10],
            "inLanguage": ["zh-Hans", "en"],
            "license": meta.licence_path,
            "isAccessibleForFree": True,
            "creator": [{"@type": "Organization", "name": c.title} for c in meta.contributors],
            # each source while they are few; past that, the table that lists them (a page carries
            # no list that grows with the corpus)
            "isBasedOn": [
                {
                    "@type": "CreativeWork",
                    "name": s.title.get(lang),
                    "publisher": s.publisher.get(lang),
                    "datePublished": str(s.year or ""),
                }
                for s in self.ds.sources.values()
            ]
            if len(self.ds.sources) <= JSONLD_SOURCES
            else {
                "@type": "Dataset",
                "name": f"sources ({len(self.ds.sources)})",
                "url": link("downloads/csv/sources.csv"),
            },
            "keywords": [c.label.get(lang) for c in self.ds.themes.values()],
            "distribution": [
                {
                    "@type": "DataDownload",
                    "encodingFormat": d.media_type,
                    "contentUrl": link(d.path),
                    "contentSize": f"{d.size} B",
                    "name": d.name,
                }
                for d in self.downloads
                if "/plans/" not in d.path and "/csv" not in d.path
            ],
        }
        if self.base:
            document["url"] = self.base + ("en/" if lang == "en" else "")
        return script_json(document)


def script_json(document: Any) -> str:
    """JSON that cannot end a <script> element or open a comment, whatever its strings hold."""
    text = json.dumps(document, ensure_ascii=False, sort_keys=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
