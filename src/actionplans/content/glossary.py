"""The glossary: Chinese terms with the English renderings translations must use."""

from __future__ import annotations

from pathlib import Path

from .. import model as m
from .folder import Folder
from .ids import Ids
from .spec import TERM, line_of


def read_glossary(folder: Folder, path: Path) -> dict[str, m.Term]:
    """The terms of ``glossary.yaml``, each id and each Chinese term once."""
    ids = Ids("term")
    terms = Ids("glossary term", noun="")
    out: dict[str, m.Term] = {}
    for checked, raw, where in folder.records(path, TERM):
        unique = ids.claim(checked["id"], where, line_of(raw, "id"))
        if not terms.claim(checked["zh"], where, line_of(raw, "zh"), "zh") or not unique:
            continue
        out[checked["id"]] = m.Term(
            checked["id"], checked["zh"], checked["en"], checked["en_variants"] or (), checked["note"], checked["source"]
        )
    return out


class Glossary:
    """Finds glossary terms in Chinese text (longest match first) and checks English renderings."""

    def __init__(self, terms: dict[str, m.Term]) -> None:
        self.terms = sorted(terms.values(), key=lambda t: -len(t.zh))

    def used(self, zh: str) -> list[m.Term]:
        """The terms ``zh`` uses, each once, longest first; a shorter term inside a longer one
        that is used at the same place does not count."""
        present = [term for term in self.terms if term.zh in zh]
        if not present:
            return []
        taken = [False] * len(zh)
        found: list[m.Term] = []
        for term in present:
            start = zh.find(term.zh)
            hit = False
            while start >= 0:
                end = start + len(term.zh)
                if not any(taken[start:end]):
                    for i in range(start, end):
                        taken[i] = True
                    hit = True
                start = zh.find(term.zh, end)
            if hit:
                found.append(term)
        return found

    def missing(self, text: m.Text) -> list[m.Term]:
        """The terms the Chinese uses whose rendering the English lacks."""
        english = text.en.casefold()
        return [t for t in self.used(text.zh) if not any(r.casefold() in english for r in (t.en, *t.en_variants))]
