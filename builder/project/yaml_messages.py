"""Say what a YAML syntax error means for a teacher, at the line they must edit.

PyYAML speaks parser: "found character that cannot start any token (while scanning for
the next token)" is a tab, and an unclosed quote is reported at the end of the file.
Teachers are not programmers, so each mistake a hand-written lesson or bundle file can
make gets one sentence saying what is wrong and what to do, placed where the fix goes:
the tab itself, the opening quote or bracket that is never closed (PyYAML's context
mark), the colon of a ': ' inside a value, the first character of a misaligned line.

The rules were found by experiment with both parsers lessonpack may use (libyaml's C
one, and PyYAML's pure-Python one when libyaml is missing): they word the same mistake
differently, so each rule matches both. tests/test_yaml_messages.py holds the cases.
A message no rule knows falls back to PyYAML's own words, tidied; never a traceback.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_LINE_BREAK = re.compile(r"\r\n|[\r\n\x85\u2028\u2029]")  # what YAML counts as a new line
_LIST_ITEM = re.compile(r"\s*-(?:\s|$)")
_NO_SPACE_AFTER_COLON = re.compile(r"\s*(?:-\s+)?([\w-]+):(?=[^\s:])")  # title:Cuba
_FIELD_OR_ITEM = re.compile(r"\s*(?:-(?:\s|$)|[^\s#\"'][^:]*:(?:\s|$))")

TAB_AS_INDENT = (
    "line {line} is indented with a tab; YAML needs spaces: "
    "replace the tab with spaces (two per level)"
)
TAB_AFTER = (
    "line {line} has a tab after '{before}'; YAML needs spaces: replace the tab with a space"
)
UNCLOSED_QUOTE = (
    "this quote ({q}) is never closed: add the closing {q} at the end of the text, "
    "or use a `|` block for text with several lines"
)
INDENTED = (
    "this line is indented differently from the lines above it: items of one list "
    "(or fields of one section) must start at the same column"
)

Found = tuple[str, Any]  # a message and the mark (0-based .line and .column) it belongs at


class _At:
    """A mark made here, 0-based like PyYAML's."""

    def __init__(self, line: int, column: int):
        self.line, self.column = line, column


class _Source:
    """The text that failed, split into lines as PyYAML counts them (a BOM is no column)."""

    def __init__(self, text: str, loader: type):
        self.text, self.loader = text, loader
        self.lines = _LINE_BREAK.split(text.removeprefix("\ufeff"))

    def line(self, mark: Any) -> str:
        return self.lines[mark.line] if mark and 0 <= mark.line < len(self.lines) else ""

    def char(self, mark: Any) -> str:
        line = self.line(mark)
        return line[mark.column] if mark and mark.column < len(line) else ""

    def before(self, mark: Any) -> str:
        return self.line(mark)[: mark.column] if mark else ""

    def line_above(self, mark: Any) -> tuple[int, str] | None:
        """The nearest line above `mark` holding more than blanks or a comment."""
        for number in range(mark.line - 1, -1, -1):
            stripped = self.lines[number].strip()
            if stripped and not stripped.startswith("#"):
                return number, self.lines[number]
        return None

    def line_start(self, mark: Any) -> Any:
        """The first character of the mark's line: where a misaligned line must change."""
        line = self.line(mark)
        return _At(mark.line, len(line) - len(line.lstrip(" "))) if line.strip() else mark


def explain(exc: yaml.YAMLError, text: str, loader: type) -> tuple[str, int | None, int | None]:
    """(message, line, col) for a YAML error raised while reading `text` with `loader`;
    line and col are 1-based, or None when PyYAML gave no position."""
    if isinstance(exc, yaml.reader.ReaderError):
        return _unreadable_character(exc, text)
    if not isinstance(exc, yaml.MarkedYAMLError):
        return f"YAML syntax error: {_tidy(str(exc))}", None, None
    source = _Source(text, loader)
    # every rule places its sentence relative to where PyYAML stopped: without a mark (or
    # without words) there is nothing to place, so PyYAML's own words are given
    placed = exc.problem and exc.problem_mark
    found = next((f for rule in _RULES if (f := rule(exc, source))), None) if placed else None
    message, mark = found or (_fallback(exc), exc.problem_mark or exc.context_mark)
    return (message, mark.line + 1, mark.column + 1) if mark else (message, None, None)


def _tabs(exc, source: _Source) -> Found | None:
    mark = exc.problem_mark
    if not ("tab" in exc.problem or source.char(mark) == "\t") or "\t" not in source.line(mark):
        return None
    line = source.line(mark)
    tab = mark if source.char(mark) == "\t" else _At(mark.line, line.index("\t"))
    before = line[: tab.column].strip()
    if before.strip("- ") == "":  # only spaces and list dashes: the tab indents
        return TAB_AS_INDENT.format(line=tab.line + 1), tab
    return TAB_AFTER.format(line=tab.line + 1, before=before), tab


def _quoted_scalar(exc, source: _Source) -> Found | None:
    if "quoted scalar" not in (exc.context or ""):
        return None
    if re.search(r"escape|hexa?decimal", exc.problem):
        return (
            "a \\ inside double quotes starts an escape code such as \\n; write \\\\ for a "
            "backslash, or put the value in single quotes instead",
            exc.problem_mark,
        )
    quote = source.char(exc.context_mark)
    return (UNCLOSED_QUOTE.format(q=quote), exc.context_mark) if quote in ('"', "'") else None


def _unclosed_flow(exc, source: _Source) -> Found | None:
    if not (exc.context or "").startswith("while parsing a flow") or "expected ','" not in (
        exc.problem
    ):
        return None
    opening = "{" if "mapping" in exc.context else "["
    closing = "}" if opening == "{" else "]"
    return (
        f"this '{opening}' is never closed: add the closing '{closing}' where the list ends, "
        "or, if the value is text, put all of it in double quotes: "
        + _quoted_fix(source.line(exc.context_mark)),
        exc.context_mark,
    )


def _open_quote_above(exc, source: _Source) -> Found | None:
    """A quote left open swallows the lines below it up to the next quote, and PyYAML
    complains there; point at the quote that opened it instead."""
    mark, quoted = exc.problem_mark, None
    if mark is None:
        return None
    try:
        for token in yaml.scan(source.text, Loader=source.loader):
            if token.start_mark.index >= mark.index:
                break
            if isinstance(token, yaml.ScalarToken) and token.style in ('"', "'"):
                quoted = token
    except yaml.YAMLError:
        pass
    if quoted is None or quoted.end_mark.line != mark.line:
        return None
    swallowed = source.lines[quoted.start_mark.line + 1 : quoted.end_mark.line + 1]
    if not any(_FIELD_OR_ITEM.match(line) for line in swallowed):
        return None
    return UNCLOSED_QUOTE.format(q=quoted.style), quoted.start_mark


def _reserved_character(exc, source: _Source) -> Found | None:
    """A value starting with a character YAML keeps for itself: @ ` % * & ] } , | > ? -"""
    context, problem = exc.context or "", exc.problem
    meaning = None
    if context in ("while scanning an alias", "while scanning an anchor"):
        mark, meaning = exc.context_mark, context.split()[-1]
    elif context == "while scanning a directive":
        return (
            "a line cannot start with '%' (YAML reads it as a directive); remove the '%', "
            "or put the text in double quotes",
            exc.context_mark,
        )
    elif context == "while scanning a block scalar":  # `text: | words` (tabs are caught first)
        mark = exc.context_mark
        return (
            "after '|' or '>' the text must start on the next line, indented; move it there, "
            f"or put the whole value in double quotes: {_quoted_fix(source.line(mark))}",
            mark,
        )
    elif re.search(r"cannot start any|node content|(keys|entries) are not allowed", problem):
        mark = exc.problem_mark
    else:
        return None
    char, fix = source.char(mark), _quoted_fix(source.line(mark))
    if not char or char not in ("*&" if meaning else "@`%*&]},|>?-!"):
        return None  # the mark is not where this rule expects: say what PyYAML says
    if context == "while parsing a flow node":
        if char == ",":
            return "this list has an empty item (two ',' in a row); remove one ','", mark
        return None
    if char == "-":
        return (
            "a list item ('- ') cannot start on the same line as its field; move it to the "
            f"next line and indent it, or, if the value is text, put it in double quotes: {fix}",
            mark,
        )
    what = f" (YAML reads it as an {meaning})" if meaning else ""
    return (
        f"a value cannot start with '{char}'{what}; put the whole value in double quotes: {fix}",
        mark,
    )


def _colon(exc, source: _Source) -> Found | None:
    if "mapping values are not allowed" not in exc.problem:
        return None
    mark = exc.problem_mark
    if re.search(r":(\s|$)", re.sub(r"^\s*(?:-\s+)*", "", source.before(mark))):
        fix = _quoted_fix(source.line(mark))
        return f"a ': ' inside a value ends the key; put the whole value in quotes: {fix}", mark
    above = source.line_above(mark)
    if above and (match := _NO_SPACE_AFTER_COLON.match(above[1])):
        return _missing_space(match, above[0])
    return INDENTED, source.line_start(mark)


def _layout(exc, source: _Source) -> Found | None:
    """The parser met a line or a token that does not fit the lines above it."""
    context, mark = exc.context or "", exc.problem_mark
    if context == "while scanning a simple key":
        return _not_a_field(exc, source)
    if context not in ("while parsing a block mapping", "while parsing a block collection"):
        return None
    char, before, line = source.char(mark), source.before(mark).rstrip(), source.line(mark)
    last = before[-1:]
    if last in ('"', "'"):
        inside = '\\"' if last == '"' else "''"
        return (
            f"there is text after the closing quote ({last}): put the quotes around the whole "
            f"value, writing a {last} inside it as {inside}, or leave the quotes out",
            mark,
        )
    if last in ("]", "}"):
        if char in ("]", "}"):
            return f"there is one '{char}' too many here; remove it", mark
        return (
            f"there is text after the closing '{last}'; if the value is text, put all of it "
            f"in double quotes: {_quoted_fix(line)}",
            mark,
        )
    if char == ":" and not before:
        return "this line starts with ':'; write the field's name before it", mark
    if context.endswith("mapping") and _LIST_ITEM.match(line):
        above = source.line_above(mark)
        if above is None or not _LIST_ITEM.match(above[1]):
            return (
                "this list item ('- ') is not under a field: indent it below the field it "
                "belongs to (such as 'objectives:')",
                mark,
            )
    dash = exc.context_mark
    if (
        context.endswith("collection")
        and source.char(dash) == "-"
        and not _LIST_ITEM.match(line)
        and source.line_start(mark).column == dash.column
    ):
        return (
            f"this line lines up with the '- ' of the list item on line {dash.line + 1} but "
            "does not start with '- ': to add a field to that item, indent it like the "
            "item's other fields; to start a new item, begin it with '- '",
            mark,
        )
    return INDENTED, source.line_start(mark)


def _not_a_field(exc, source: _Source) -> Found:
    mark = exc.context_mark
    if match := _NO_SPACE_AFTER_COLON.match(source.line(mark)):
        return _missing_space(match, mark.line)
    return (
        "this line is neither a field ('name: value') nor a list item ('- '); if it "
        "continues the text above, indent it as far as that text",
        source.line_start(mark),
    )


def _document_marker(exc, source: _Source) -> Found | None:
    """`%YAML` or `...` above: YAML ended the data there and refuses what follows."""
    if "<document start>" not in exc.problem or exc.problem_mark is None:
        return None
    for number in range(exc.problem_mark.line - 1, -1, -1):
        line = source.lines[number]
        if line.startswith("%"):
            return (
                "a line that starts with '%' is a YAML directive; remove the line, "
                "or put its text in double quotes",
                _At(number, 0),
            )
        if line.rstrip() == "...":
            return "'...' on a line of its own ends the file's data early; remove it", _At(
                number, 0
            )
    return None


_RULES = (
    _tabs,
    _quoted_scalar,
    _unclosed_flow,
    _open_quote_above,
    _reserved_character,
    _colon,
    _layout,
    _document_marker,
)


def _unreadable_character(exc, text: str) -> tuple[str, int | None, int | None]:
    """libyaml gives a byte offset and PyYAML a character one, so find the character."""
    if not isinstance(exc.character, int):
        return f"YAML syntax error: {_tidy(str(exc))}", None, None
    message = (
        f"the file contains an invisible control character (U+{exc.character:04X}) that YAML "
        "does not allow; delete it (it often comes with text pasted from another program)"
    )
    text = text.removeprefix("\ufeff")
    index = text.find(chr(exc.character))
    if index < 0:
        return message, None, None
    lines = _LINE_BREAK.split(text[:index])
    return message, len(lines), len(lines[-1]) + 1


def _missing_space(match: re.Match, number: int) -> Found:
    return (
        f"put a space after the ':' of '{match.group(1)}:'; YAML needs 'name: value'",
        _At(number, match.end(1)),
    )


def _quoted_fix(line: str) -> str:
    """The line with its value quoted: `source: Speech: text` -> `source: "Speech: text"`;
    a list item of text is quoted whole."""
    dash = re.match(r"\s*(?:-\s+)?", line).group()
    body = re.sub(r"\s+#.*$", "", line[len(dash) :]).strip()
    key, sep, value = body.partition(": ")
    if not sep or (dash.strip() and not re.fullmatch(r"[a-z_]+", key)):
        key, value = "", body
    value = value.strip()
    if len(value) > 40:
        value = value[:36] + " ..."
    if '"' not in value and "\\" not in value:
        value = f'"{value}"'
    else:
        value = "'" + value.replace("'", "''") + "'"
    return (dash.strip() + " " if dash.strip() else "") + (f"{key}: " if key else "") + value


def _fallback(exc: yaml.MarkedYAMLError) -> str:
    message = f"YAML syntax error: {_tidy(exc.problem or 'invalid YAML')}"
    return message + (f" ({_tidy(exc.context)})" if exc.context else "")


def _tidy(text: str) -> str:
    """PyYAML's words on one line, without its '<unicode string>' position."""
    text = re.sub(r'\s*in "<[^>]*>"[^\n]*', "", text)
    return " ".join(text.split())
