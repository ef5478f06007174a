"""The bad-content corpus: one problem per case, each with the message it must produce.

Each ``bad_content/<case>.yaml`` names a content file, an edit that introduces exactly one
problem, the line the report must contain and the problem's code. ``{file}`` stands for the
edited file's path and ``{line}`` for the line where the edit starts (``{line+1}``,
``{line-1}`` nearby lines).
"""

from __future__ import annotations

import hashlib
import re
import shutil
from pathlib import Path

import pytest
import yaml

from actionplans.cli import main
from actionplans.problems import PROBLEMS

CASES = sorted((Path(__file__).parent / "bad_content").glob("*.yaml"))


def _apply(case: dict, content: Path) -> int | None:
    """Break the content as the case says; return the 1-based line where the edit starts."""
    path = content / case["file"]
    transform = case.get("transform")
    if transform == "delete":
        path.unlink()
        return None
    if transform == "delete-folder":
        shutil.rmtree(path)
        return None
    if transform == "create":
        assert not path.exists(), f"case does not apply: {case['file']} exists"
        path.write_text(case["text"], encoding="utf-8")
        return None
    if transform == "bom":
        path.write_bytes(b"\xef\xbb\xbf" + path.read_bytes())
    elif transform == "crlf":
        path.write_bytes(path.read_bytes().replace(b"\n", b"\r\n"))
    elif transform == "gbk":
        path.write_bytes(path.read_text(encoding="utf-8").encode("gbk"))
    elif transform == "append":
        path.write_text(path.read_text(encoding="utf-8") + "补充一句。\n", encoding="utf-8")
    elif transform == "huge":
        with path.open("ab") as handle:
            handle.write(b"#" * (50 * 1024 * 1024) + b"\n")
    elif transform == "deep":
        path.write_text("- " + "[" * 40 + "]" * 40 + "\n", encoding="utf-8")
    elif transform == "aliasbomb":
        lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
        lines += [f"{chr(98 + i)}: &{chr(98 + i)} [{','.join(['*' + chr(97 + i)] * 9)}]" for i in range(8)]
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    elif transform == "mapping":
        path.write_text("regions:\n  - id: cn\n", encoding="utf-8")
    elif transform == "empty":
        path.write_text("", encoding="utf-8")
    else:
        assert transform is None, f"unknown transform {transform}"
    if "replace" not in case:
        return None
    text = path.read_text(encoding="utf-8")
    old, new = case["replace"], case["with"]
    assert text.count(old) >= 1, f"case does not apply: {old!r} not in {case['file']}"
    at = text.index(old)
    text = text[:at] + new + text[at + len(old) :]
    if "delete_between" in case:
        first, last = case["delete_between"]
        start = text.index(first)
        text = text[:start] + text[text.index(last, start) :]
    for more_old, more_new in case.get("edits", []):  # further edits the one problem needs
        assert text.count(more_old) >= 1, f"case does not apply: {more_old!r} not in {case['file']}"
        text = text.replace(more_old, more_new, 1)
    path.write_text(text, encoding="utf-8")
    return text.count("\n", 0, at) + 1


def _expected(case: dict, line: int | None) -> str:
    def fill(match: re.Match[str]) -> str:
        assert line is not None
        return str(line + int(match.group(1) or 0))

    text = case["expect"].replace("{file}", f"content/{case['file']}")
    return re.sub(r"\{line([+-]\d+)?\}", fill, text)


def _digest(folder: Path) -> dict[str, str]:
    return {
        p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 40


@pytest.mark.parametrize("case_path", CASES, ids=[p.stem for p in CASES])
def test_bad_content_is_reported(case_path: Path, content_copy: Path, monkeypatch, capsys, tmp_path) -> None:
    case = yaml.safe_load(case_path.read_text(encoding="utf-8"))
    monkeypatch.chdir(content_copy.parent)
    published = tmp_path / "published"
    assert main(["package", "--no-validate", "--out", str(published)]) == 0
    before = _digest(published)
    line = _apply(case, content_copy)
    expected = _expected(case, line)
    capsys.readouterr()

    code = main(["check", "--content", "content"])
    out, err = capsys.readouterr()
    assert "Traceback" not in out + err
    if PROBLEMS[case["code"]][0].severity == "todo":  # a draft's to-do: listed, and the check passes
        assert code == 0, err
        matching = [report for report in out.splitlines() if report.startswith("to do: ") and expected in report]
        assert matching, f"expected {expected!r} in:\n{out}"
        assert any(report.endswith(f" [{case['code']}]") for report in matching), f"expected code [{case['code']}] in {matching}"
        return
    assert code == 1
    lines = err.splitlines()
    matching = [report for report in lines if expected in report]
    assert matching, f"expected {expected!r} in:\n{err}"
    assert any(report.endswith(f" [{case['code']}]") for report in matching), f"expected code [{case['code']}] in {matching}"
    assert re.fullmatch(r"\d+ errors?", lines[-1])

    assert main(["package", "--out", str(published)]) == 1
    assert _digest(published) == before, "a failed package run changed the published data package"


#: Problem codes that no content can produce, each with the reason (reported as dead checks).
UNREACHABLE = {
    # read_text reports it when stat() fails on a path is_file() has just accepted: only a race
    # can do that (an unreadable file's read_bytes() is not caught there)
    "file-unreadable": "stat() failing right after is_file() succeeded",
}


def test_every_content_problem_code_is_produced_by_a_case() -> None:
    produced = {yaml.safe_load(path.read_text(encoding="utf-8"))["code"] for path in CASES}
    assert produced <= set(PROBLEMS), sorted(produced - set(PROBLEMS))
    assert not produced & set(UNREACHABLE), "a case produces a code declared unreachable"
    assert set(PROBLEMS) - set(UNREACHABLE) <= produced, (
        f"codes no bad-content case produces: {sorted(set(PROBLEMS) - set(UNREACHABLE) - produced)}"
    )
