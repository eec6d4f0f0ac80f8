"""Read YAML safely and remember where every value came from.

Lesson files are untrusted, so YAML is read as parser events (never constructed):
no tags that build objects, no anchors or aliases (they can explode in size), and no implicit
type guessing (`no` stays the text "no"; dates are parsed later by lessonpack).
Every node's line and column is kept in a `SourceMap`, so a validation error deep in
the data can still point at `lesson.yaml:42:7`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import yaml
from yaml.events import (
    AliasEvent,
    MappingEndEvent,
    ScalarEvent,
    SequenceEndEvent,
    SequenceStartEvent,
    StreamEndEvent,
)

from ..errors import Problem
from .yaml_messages import explain

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_DEPTH = 32
PLAIN_TAGS = {"tag:yaml.org,2002:str", "tag:yaml.org,2002:seq", "tag:yaml.org,2002:map"}

Loc = tuple[str | int, ...]
Pos = tuple[int, int]


class SourceMap:
    """Line/column (1-based) of every value and every mapping key, by data path."""

    def __init__(self) -> None:
        self.values: dict[Loc, Pos] = {}
        self.keys: dict[Loc, Pos] = {}
        self.literal: set[Loc] = set()  # `|` block scalars: line n of the text is line+n

    def value(self, loc: Loc) -> Pos | None:
        """Position of the value at `loc`, or of its nearest ancestor that exists."""
        for end in range(len(loc), -1, -1):
            if (pos := self.values.get(tuple(loc[:end]))) is not None:
                return pos
        return None

    def key(self, loc: Loc) -> Pos | None:
        """Position of the key naming `loc` (better than the value for unknown fields)."""
        return self.keys.get(tuple(loc)) or self.value(loc)


class _YamlRefused(yaml.MarkedYAMLError):
    pass


# libyaml's C parser when PyYAML has it (it does on the usual wheels): 10x faster than the
# pure-Python one, so a 5 MB file fails or loads in seconds instead of a minute.
_Parser = getattr(yaml, "CBaseLoader", yaml.BaseLoader)


def _refuse(message: str, event) -> _YamlRefused:
    return _YamlRefused(None, None, message, event.start_mark)


class _Builder:
    """Plain data and positions straight from parser events; no object is constructed."""

    def __init__(self, parser, path: Path, smap: SourceMap, problems: list[Problem]):
        self.parser, self.path, self.smap, self.problems = parser, path, smap, problems

    def document(self) -> Any:
        self.parser.get_event()  # stream start
        if self.parser.check_event(StreamEndEvent):
            return _EMPTY
        self.parser.get_event()  # document start
        data = self.node((), 1)
        self.parser.get_event()  # document end
        if not self.parser.check_event(StreamEndEvent):
            raise _refuse(
                "a lesson file holds one YAML document; remove the second '---'",
                self.parser.peek_event(),
            )
        return data

    def node(self, loc: Loc, depth: int) -> Any:
        event = self.parser.get_event()
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise _refuse(
                "anchors and aliases (&name, *name) are not allowed in lessons; "
                "write the value out in full",
                event,
            )
        if depth > MAX_DEPTH:
            raise _refuse(f"nesting deeper than {MAX_DEPTH} levels is not allowed", event)
        pos = (event.start_mark.line + 1, event.start_mark.column + 1)
        self.smap.values[loc] = pos
        if getattr(event, "tag", None) not in _PLAIN_OR_NO_TAG:
            self.problems.append(
                Problem(self.path, f"YAML tag '{event.tag}' is not allowed; remove it", *pos)
            )
        if isinstance(event, ScalarEvent):
            if event.style == "|":
                self.smap.literal.add(loc)
            if event.value == "" and not event.style:  # plain: None in PyYAML, '' in libyaml
                return None  # `subtitle:` with nothing after it means "not given"
            return event.value
        if isinstance(event, SequenceStartEvent):
            items = []
            while not self.parser.check_event(SequenceEndEvent):
                items.append(self.node((*loc, len(items)), depth + 1))
            self.parser.get_event()
            return items
        return self.mapping(loc, depth)

    def mapping(self, loc: Loc, depth: int) -> dict[str, Any]:
        result: dict[str, Any] = {}
        while not self.parser.check_event(MappingEndEvent):
            key_event = self.parser.peek_event()
            key_pos = (key_event.start_mark.line + 1, key_event.start_mark.column + 1)
            key = self.node((*loc, "\0key"), depth + 1)
            value_loc = (*loc, key) if isinstance(key, str) else (*loc, "\0bad-key")
            value = self.node(value_loc, depth + 1)
            if not isinstance(key, str):
                self.problems.append(
                    Problem(self.path, "a field name must be plain text", *key_pos)
                )
            elif key in result:
                self.problems.append(
                    Problem(
                        self.path,
                        f"field '{key}' appears twice in the same place; keep one",
                        *key_pos,
                    )
                )
            else:
                self.smap.keys[value_loc] = key_pos
                result[key] = value
        self.parser.get_event()
        return result


_EMPTY = object()
_PLAIN_OR_NO_TAG = {None, "!", *PLAIN_TAGS}


def read_yaml(path: Path, allowed_roots: Iterable[Path]) -> tuple[Any, SourceMap, list[Problem]]:
    """Parse `path` into plain dicts, lists and strings plus a SourceMap, after the same
    check as every other read (SPEC §6): a symlink to a file outside `allowed_roots`
    (the project) is refused.

    Returns problems instead of raising, so the caller can keep collecting.
    """
    from ..sandbox import Refused, checked_path

    smap = SourceMap()
    try:
        resolved = checked_path(path, allowed_roots)
    except Refused as exc:
        return None, smap, [Problem(path, str(exc))]
    try:
        size = resolved.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, smap, [Problem(path, f"file is {size // 1024} KB; the limit is 5 MB")]
        text = resolved.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        return (
            None,
            smap,
            [
                Problem(
                    path,
                    f"not UTF-8 text ({exc.reason} at byte {exc.start}); save the file as UTF-8",
                )
            ],
        )
    except OSError as exc:
        return None, smap, [Problem(path, f"cannot read file: {exc.strerror}")]
    problems: list[Problem] = []
    try:
        parser = _Parser(text)  # the pure-Python reader refuses control characters here
    except yaml.YAMLError as exc:
        return None, smap, [_syntax_problem(path, exc, text)]
    try:
        data = _Builder(parser, path, smap, problems).document()
    except yaml.YAMLError as exc:
        return None, smap, [_syntax_problem(path, exc, text)]
    finally:
        parser.dispose()
    if data is _EMPTY or (data is None and not smap.values):
        return None, smap, [Problem(path, "the file is empty")]
    return data, smap, problems


def _syntax_problem(path: Path, exc: yaml.YAMLError, text: str) -> Problem:
    if isinstance(exc, _YamlRefused):
        mark = exc.problem_mark
        return Problem(path, exc.problem, *((mark.line + 1, mark.column + 1) if mark else ()))
    message, line, col = explain(exc, text, _Parser)
    return Problem(path, message, line, col)
