"""The command line: the README documents exactly the verbs and options the parser has."""

from __future__ import annotations

import argparse
import re

from actionplans.cli import build_parser

from .conftest import ROOT


def _parser_verbs() -> dict[str, set[str]]:
    parser = build_parser()
    (verbs,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    return {
        name: {option for action in sub._actions for option in action.option_strings if option not in ("-h", "--help")}
        for name, sub in verbs.choices.items()
    }


def _readme_verbs() -> dict[str, set[str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Command line") :]
    section = section[: section.index("\n## ", 3)]
    out = {}
    for verb, usage in re.findall(r"^\| `actionplans (\w+)([^`]*)` \|", section, re.M):
        out[verb] = set(re.findall(r"--[a-z-]+", usage))
    return out


def test_readme_documents_every_verb_and_option_of_the_parser() -> None:
    assert _readme_verbs() == _parser_verbs()


def test_the_same_thing_has_the_same_option_everywhere() -> None:
    verbs = _parser_verbs()
    readers = {verb for verb in verbs if verb not in ("import", "assets")}  # assets reads the built site (--site)
    assert all("--content" in verbs[verb] for verb in readers)  # the content a verb reads
    assert "--into" in verbs["import"] and "--content" not in verbs["import"]  # the content import writes into
    assert {verb for verb, options in verbs.items() if "--out" in options} == {
        "package",
        "render",
        "build",
        "release",
        "assets",
    }  # the data package, site or files written
    assert {verb for verb, options in verbs.items() if "--releases" in options} == readers - {
        "package"
    }  # the verbs that show or make releases


def test_every_verb_and_option_has_help() -> None:
    parser = build_parser()
    (verbs,) = [a for a in parser._actions if isinstance(a, argparse._SubParsersAction)]
    for choice in verbs._choices_actions:
        assert choice.help, choice.dest
    for name, sub in verbs.choices.items():
        for action in sub._actions:
            assert action.help, f"{name} {action.option_strings}"
