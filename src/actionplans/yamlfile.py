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
from .problems import (
    BYTE_ORDER_MARK,
    DUPLICATE_KEY,
    EMPTY_FILE,
    EMPTY_FILE_NULL,
    FILE_TOO_LARGE,
    FILE_UNREADABLE,
    KEY_TOO_LONG,
    LINE_ENDING,
    MALFORMED_YAML,
    NOT_UTF_8,
    TAB_INDENTATION,
    TEXT_TOO_LONG,
    TOO_DEEP,
    WRONG_TYPE_KEY,
    WRONG_TYPE_UNREADABLE,
    YAML_ALIAS,
    Finding,
)

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


def scalar(text: str | None) -> str:
    """``text`` as one YAML double-quoted scalar written by the YAML dumper (so that any
    character, a line separator or NEL included, reads back the same), or ``null``. Drafts are
    written line by line with review comments beside their values; the values come from here."""
    if text is None:
        return "null"
    dumped = yaml.safe_dump(text, allow_unicode=True, default_style='"', width=float("inf"))
    return dumped.removesuffix("\n").removesuffix("\n...")


def read_text(path: Path, shown: str) -> tuple[str | None, list[Problem]]:
    """Read a UTF-8 text file within the limits; return its text or the problems found."""
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, [_at(shown, None, FILE_TOO_LARGE(size=size, limit=MAX_FILE_BYTES))]
        data = path.read_bytes()  # a folder of that name, or a file without read permission, fails here
    except OSError as error:
        return None, [_at(shown, None, FILE_UNREADABLE(reason=error.strerror))]
    if data.startswith(b"\xef\xbb\xbf"):
        return None, [_at(shown, 1, BYTE_ORDER_MARK())]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        return None, [_at(shown, line, NOT_UTF_8(byte=data[error.start], offset=error.start))]
    if "\r" in text:
        line = text.count("\n", 0, text.index("\r")) + 1
        return None, [_at(shown, line, LINE_ENDING())]
    return text, []


def load_yaml(path: Path, shown: str) -> tuple[Any, list[Problem]]:
    """Parse a content YAML file into Map/Seq/scalars, or return the problems found."""
    text, problems = read_text(path, shown)
    if text is None:
        return None, problems
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" ")
        if stripped.startswith("\t"):
            return None, [_at(shown, number, TAB_INDENTATION())]
    try:
        value = _build(text, shown)
        if value is _EMPTY:
            return None, [_at(shown, 1, EMPTY_FILE())]
        if value is None:  # "~", "null" and friends
            return None, [_at(shown, 1, EMPTY_FILE_NULL())]
        return value, []
    except YamlProblem as error:
        return None, [error.problem]
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        at: int | None = mark.line + 1 if mark is not None else None
        message = " ".join(str(part) for part in (error.context, error.problem) if part)
        return None, [_at(shown, at, MALFORMED_YAML(detail=message))]
    except yaml.YAMLError as error:
        return None, [_at(shown, None, MALFORMED_YAML(detail=error))]


_EMPTY = object()
_STR = "tag:yaml.org,2002:str"
_RESOLVER: Any = yaml.resolver.Resolver()
_CONSTRUCTOR = yaml.SafeLoader.__new__(yaml.SafeLoader)
yaml.constructor.SafeConstructor.__init__(_CONSTRUCTOR)
#: Constructors of the plain scalar types (they return the value, not a generator).
_SCALARS = {
    tag: yaml.constructor.SafeConstructor.yaml_constructors[tag]
    for tag in (f"tag:yaml.org,2002:{name}" for name in ("null", "bool", "int", "float", "timestamp"))
}


def _build(text: str, shown: str) -> Any:
    """Build Map/Seq/scalars straight from LibYAML's events, in one pass.

    No node tree is composed: each event is checked (no anchors or aliases, nesting within
    ``MAX_DEPTH``, texts within ``MAX_TEXT_CHARS``, keys that are text and unique) and placed
    at once, so a hostile file is refused at the first offending event.
    """
    parser = _LOADER(text)
    try:
        return _walk(parser, shown)
    finally:
        parser.dispose()


def _walk(parser: Any, shown: str) -> Any:
    # Each open collection: (container, key waiting for its value or None, that key's line).
    stack: list[list[Any]] = []
    root: Any = _EMPTY
    documents = 0
    next_event = parser.get_event
    while True:
        event = next_event()
        kind = type(event)
        if kind is yaml.StreamEndEvent:
            return root
        if kind is yaml.ScalarEvent or kind is yaml.MappingStartEvent or kind is yaml.SequenceStartEvent:
            line = event.start_mark.line + 1
            if event.anchor:
                raise _problem(shown, line, YAML_ALIAS())
            awaiting_key = bool(stack) and type(stack[-1][0]) is Map and stack[-1][1] is None
            if kind is yaml.ScalarEvent:
                value: Any = None if awaiting_key else _scalar(event, shown, line)
                if awaiting_key and len(event.value) > MAX_TEXT_CHARS:
                    raise _problem(shown, line, KEY_TOO_LONG(length=len(event.value)))
            else:
                if len(stack) >= MAX_DEPTH:
                    raise _problem(shown, line, TOO_DEEP(limit=MAX_DEPTH))
                if awaiting_key:
                    raise _problem(shown, line, WRONG_TYPE_KEY())
                value = Map() if kind is yaml.MappingStartEvent else Seq()
                value.line = line
                if kind is yaml.MappingStartEvent:
                    value.key_lines = {}
                else:
                    value.item_lines = []
        elif kind is yaml.MappingEndEvent or kind is yaml.SequenceEndEvent:
            value, _, _ = stack.pop()
            if stack:
                _place(stack[-1], value, value.line, shown)
            else:
                root = value
            continue
        elif kind is yaml.AliasEvent:
            line = event.start_mark.line + 1
            raise _problem(shown, line, YAML_ALIAS())
        elif kind is yaml.DocumentStartEvent:
            documents += 1
            if documents > 1:
                raise yaml.composer.ComposerError(
                    "expected a single document in the stream", None, "but found another document", event.start_mark
                )
            continue
        else:  # stream start/end, document end
            continue
        if kind is yaml.ScalarEvent:
            if not stack:
                root = value
            elif awaiting_key:
                key = str(event.value)
                owner = stack[-1][0]
                if key in owner.key_lines:
                    raise _problem(shown, line, DUPLICATE_KEY(first=owner.key_lines[key]), key)
                stack[-1][1], stack[-1][2] = key, line
            else:
                _place(stack[-1], value, line, shown)
        else:
            stack.append([value, None, 0])


def _place(frame: list[Any], value: Any, line: int, shown: str) -> None:
    container = frame[0]
    if type(container) is Map:
        key = frame[1]
        container[key] = value
        container.key_lines[key] = frame[2]
        frame[1] = None
    else:
        container.append(value)
        container.item_lines.append(line)


def _scalar(event: Any, shown: str, line: int) -> Any:
    text = event.value
    if len(text) > MAX_TEXT_CHARS:
        raise _problem(shown, line, TEXT_TOO_LONG(length=len(text), limit=MAX_TEXT_CHARS))
    tag = event.tag
    if tag is None or tag == "!":
        if not event.implicit[0]:  # quoted: always text
            return text
        tag = _RESOLVER.resolve(yaml.ScalarNode, text, event.implicit)
    if tag == _STR:
        return text
    node = yaml.ScalarNode(tag, text, event.start_mark, event.end_mark, event.style)
    try:
        construct = _SCALARS.get(tag)
        if construct is not None:
            return construct(_CONSTRUCTOR, node)
        try:
            return _CONSTRUCTOR.construct_object(node, deep=True)
        finally:
            _CONSTRUCTOR.constructed_objects.clear()
    except (yaml.YAMLError, ValueError, OverflowError) as error:
        raise _problem(shown, line, WRONG_TYPE_UNREADABLE(text=text, error=error)) from None


def _at(shown: str, line: int | None, finding: Finding, field: str = "") -> Problem:
    return Problem.of(Location(shown, line), field, finding)


def _problem(shown: str, line: int, finding: Finding, field: str = "") -> YamlProblem:
    return YamlProblem(_at(shown, line, finding, field))
