"""Reading content YAML safely, keeping the line of every key and item.

Limits are explicit so that no input can exhaust memory or the stack: see ``MAX_FILE_BYTES``,
``MAX_DEPTH`` and ``MAX_TEXT_CHARS``. Anchors and aliases are refused outright (content never
needs them, and they are how "billion laughs" inputs multiply).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from .errors import Location, Problem

#: Largest content file read, in bytes.
MAX_FILE_BYTES = 2 * 1024 * 1024
#: Deepest nesting of mappings and lists.
MAX_DEPTH = 12
#: Longest single text value, in characters.
MAX_TEXT_CHARS = 20_000


#: LibYAML's parser when PyYAML was built with it (about ten times faster), else pure Python.
_LOADER: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class Map(dict[str, Any]):
    """A YAML mapping that remembers its own line and the line of each key."""

    line: int
    key_lines: dict[str, int]


class Seq(list[Any]):
    """A YAML sequence that remembers its own line and the line of each item."""

    line: int
    item_lines: list[int]


class YamlProblem(Exception):
    def __init__(self, problem: Problem) -> None:
        super().__init__(str(problem))
        self.problem = problem


def read_text(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 text file within the limits; return its text or the problems found."""
    where = Location(shown)
    try:
        size = path.stat().st_size
    except OSError as error:
        return None, [Problem(where, "", f"cannot read the file ({error.strerror})", "a readable file")]
    if size > MAX_FILE_BYTES:
        return None, [
            Problem(where, "", f"file is {size:,} bytes, over the limit of {MAX_FILE_BYTES:,}", "a smaller file")
        ]
    data = path.read_bytes()
    if data.startswith(b"\xef\xbb\xbf"):
        return None, [Problem(Location(shown, 1), "", "file starts with a byte order mark (BOM)", "UTF-8 without BOM")]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return None, [
            Problem(
                Location(shown, line),
                "",
                f"not valid UTF-8 (byte 0x{data[error.start]:02x} at offset {error.start}; GBK or another encoding?)",
                "UTF-8 text",
            )
        ]
    if "\r" in text:
        line = text.count("\n", 0, text.index("\r")) + 1
        return None, [Problem(Location(shown, line), "", "carriage return (CRLF or CR line ending)", "LF line endings")]
    return text, []


def load_yaml(path: Path, shown: str) -> tuple[Any, list[Problem]]:
    """Parse a content YAML file into Map/Seq/scalars, or return the problems found."""
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            return None, [Problem(Location(shown, number), "", "tab used for indentation", "spaces")]
    try:
        _check_events(text, shown)
        node = yaml.compose(text, Loader=_LOADER)
        if node is None:
            return None, [Problem(Location(shown, 1), "", "file is empty", "YAML content")]
        value = _convert(node, shown)
        if value is None:  # "~", "null" and friends
            return None, [Problem(Location(shown, 1), "", "file holds only an empty value", "YAML content")]
        return value, []
    except YamlProblem as error:
        return None, [error.problem]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at: int | None = mark.line + 1 if mark is not None else None
        message = " ".join(str(part) for part in (error.context, error.problem) if part)
        return None, [Problem(Location(shown, at), "", f"malformed YAML: {message}", "valid YAML")]
    except yaml.YAMLError as error:
        return None, [Problem(Location(shown), "", f"malformed YAML: {error}", "valid YAML")]


def _check_events(text: str, shown: str) -> None:
    """Refuse aliases, anchors and deep nesting before any tree is built."""
    depth = 0
    for event in yaml.parse(text, Loader=_LOADER):
        line = event.start_mark.line + 1 if event.start_mark is not None else 1
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise YamlProblem(
                Problem(Location(shown, line), "", "YAML anchors and aliases are not allowed", "plain values written out")
            )
        if isinstance(event, (yaml.MappingStartEvent, yaml.SequenceStartEvent)):
            depth += 1
            if depth > MAX_DEPTH:
                raise YamlProblem(
                    Problem(Location(shown, line), "", f"nesting deeper than {MAX_DEPTH} levels", "flatter content")
                )
        elif isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
            depth -= 1


_CONSTRUCTOR = yaml.SafeLoader.__new__(yaml.SafeLoader)
yaml.constructor.SafeConstructor.__init__(_CONSTRUCTOR)


def _convert(node: yaml.Node, shown: str) -> Any:
    line = node.start_mark.line + 1
    if isinstance(node, yaml.MappingNode):
        result = Map()
        result.line = line
        result.key_lines = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, yaml.ScalarNode):
                raise YamlProblem(Problem(Location(shown, key_node.start_mark.line + 1), "", "a key that is not text", "plain keys"))
            key = str(key_node.value)
            key_line = key_node.start_mark.line + 1
            if key in result:
                raise YamlProblem(
                    Problem(Location(shown, key_line), key, f"duplicate key (first at line {result.key_lines[key]})", "each key once")
                )
            result[key] = _convert(value_node, shown)
            result.key_lines[key] = key_line
        return result
    if isinstance(node, yaml.SequenceNode):
        seq = Seq()
        seq.line = line
        seq.item_lines = []
        for item in node.value:
            seq.append(_convert(item, shown))
            seq.item_lines.append(item.start_mark.line + 1)
        return seq
    if isinstance(node, yaml.ScalarNode):
        if isinstance(node.value, str) and len(node.value) > MAX_TEXT_CHARS:
            raise YamlProblem(
                Problem(Location(shown, line), "", f"text of {len(node.value):,} characters, over the limit of {MAX_TEXT_CHARS:,}", "shorter text")
            )
        try:
            return _CONSTRUCTOR.construct_object(node, deep=True)
        except (yaml.YAMLError, ValueError, OverflowError) as error:
            raise YamlProblem(Problem(Location(shown, line), "", f"unreadable value {node.value!r} ({error})", "a valid value")) from None
    raise YamlProblem(Problem(Location(shown, line), "", "unsupported YAML node", "mappings, lists and scalars"))
