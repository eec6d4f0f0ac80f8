"""Read YAML safely and remember where every value came from.

Lesson files are untrusted, so YAML is composed (never constructed): no tags that
build objects, no anchors or aliases (they can explode in size), and no implicit
type guessing (`no` stays the text "no"; dates are parsed later by lessonpack).
Every node's line and column is kept in a `SourceMap`, so a validation error deep in
the data can still point at `lesson.yaml:42:7`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.composer import Composer
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.parser import Parser
from yaml.reader import Reader
from yaml.resolver import BaseResolver
from yaml.scanner import Scanner

from .errors import Problem

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


class _SafeComposer(Reader, Scanner, Parser, Composer, BaseResolver):
    """PyYAML's composer with anchors, aliases and deep nesting refused."""

    def __init__(self, stream: str) -> None:
        Reader.__init__(self, stream)
        Scanner.__init__(self)
        Parser.__init__(self)
        Composer.__init__(self)
        BaseResolver.__init__(self)
        self._depth = 0

    def compose_node(self, parent, index):  # type: ignore[override]
        event = self.peek_event()
        if isinstance(event, AliasEvent) or getattr(event, "anchor", None):
            raise _YamlRefused(
                None,
                None,
                "anchors and aliases (&name, *name) are not allowed in lessons; "
                "write the value out in full",
                event.start_mark,
            )
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise _YamlRefused(
                None,
                None,
                f"nesting deeper than {MAX_DEPTH} levels is not allowed",
                event.start_mark,
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def read_yaml(path: Path) -> tuple[Any, SourceMap, list[Problem]]:
    """Parse `path` into plain dicts, lists and strings plus a SourceMap.

    Returns problems instead of raising, so the caller can keep collecting.
    """
    smap = SourceMap()
    try:
        size = path.stat().st_size
        if size > MAX_FILE_BYTES:
            return None, smap, [Problem(path, f"file is {size // 1024} KB; the limit is 5 MB")]
        text = path.read_text(encoding="utf-8")
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
    try:
        node = _SafeComposer(text).get_single_node()
    except yaml.MarkedYAMLError as exc:
        return None, smap, [_syntax_problem(path, exc)]
    except yaml.YAMLError as exc:
        return None, smap, [Problem(path, f"YAML syntax error: {exc}")]
    problems: list[Problem] = []
    if node is None:
        return None, smap, [Problem(path, "the file is empty")]
    data = _to_python(node, (), smap, path, problems)
    return data, smap, problems


def _syntax_problem(path: Path, exc: yaml.MarkedYAMLError) -> Problem:
    mark = exc.problem_mark or exc.context_mark
    what = exc.problem or "invalid YAML"
    if isinstance(exc, _YamlRefused):
        message = what
    else:
        message = f"YAML syntax error: {what}"
        if exc.context:
            message += f" ({exc.context})"
        message += _syntax_hint(what)
    line, col = (mark.line + 1, mark.column + 1) if mark else (None, None)
    return Problem(path, message, line, col)


def _syntax_hint(problem: str) -> str:
    if "mapping values are not allowed" in problem:
        return "; if a value contains ': ', put the whole value in quotes"
    if "found character '\\t'" in problem:
        return "; indent with spaces, not tabs"
    if "expected <block end>" in problem or "did not find expected" in problem:
        return "; check the indentation and the '-' of list items above this line"
    return ""


def _to_python(node, loc: Loc, smap: SourceMap, path: Path, problems: list[Problem]) -> Any:
    pos = (node.start_mark.line + 1, node.start_mark.column + 1)
    smap.values[loc] = pos
    if node.tag not in PLAIN_TAGS:
        problems.append(Problem(path, f"YAML tag '{node.tag}' is not allowed; remove it", *pos))
        return None
    if isinstance(node, ScalarNode):
        if node.value == "" and node.style is None:
            return None  # `subtitle:` with nothing after it means "not given"
        return node.value
    if isinstance(node, SequenceNode):
        return [
            _to_python(item, (*loc, i), smap, path, problems) for i, item in enumerate(node.value)
        ]
    assert isinstance(node, MappingNode)
    result: dict[str, Any] = {}
    for key_node, value_node in node.value:
        key_pos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
        if not isinstance(key_node, ScalarNode):
            problems.append(Problem(path, "a field name must be plain text", *key_pos))
            continue
        key = key_node.value
        if key in result:
            problems.append(
                Problem(path, f"field '{key}' appears twice in the same place; keep one", *key_pos)
            )
            continue
        smap.keys[(*loc, key)] = key_pos
        result[key] = _to_python(value_node, (*loc, key), smap, path, problems)
    return result
