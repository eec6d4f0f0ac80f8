"""Rules on the marks written inside lesson text (SPEC §2, §6): anchors `{#name}` unique
in a lesson, `{line:name}` references to them, glossary terms present in their reading,
Markdown images that would not print, and links that print as plain text, with the line
and column where each is written (in the Markdown file or in lesson.yaml).

rules.py (`validate_parts`) calls these for each text as it walks the lesson; the
patterns live in syntax.py, shared with compose/text.py, which marks and prints them.
"""

from __future__ import annotations

import re
from pathlib import Path

from ..errors import Problem
from . import syntax
from .models import Reading
from .yamlfile import SourceMap


def check_reading_body(reading: Reading, body: str, loc: tuple, anchors: dict, problem) -> None:
    """Record the body's anchors in `anchors` (each name once in the lesson), and warn
    about Markdown images, which are not printed, and glossary terms the body lacks."""
    for match in syntax.ANCHOR.finditer(body):
        name = match[1]
        if name in anchors:
            problem(
                f"the anchor {{#{name}}} is used twice (in reading '{anchors[name].id}' and "
                f"'{reading.id}'); give each its own name",
                (*loc, "text"),
            )
        anchors[name] = reading
    if "![" in body:
        problem(
            f"reading '{reading.id}' has a Markdown image, which is not printed; list "
            "images under the reading's 'images:' with alt text and a caption",
            loc,
            severity="warning",
        )
    for j, entry in enumerate(reading.glossary):
        if not syntax.term_pattern(entry.term).search(body):
            problem(
                f"glossary term '{entry.term}' does not appear in the text of reading "
                f"'{reading.id}', so it cannot be marked",
                (*loc, "glossary", j, "term"),
                severity="warning",
            )


def check_line_refs(value: str | list | None, loc: tuple, anchors: dict, problem) -> None:
    """`{line:name}` must name an anchor of a reading that has line numbers; `{#name}`
    works only in a reading's text, so anywhere else it is an error."""
    for item in value if isinstance(value, list) else [value]:
        for match in syntax.ANCHOR.finditer(item or ""):
            problem(
                f"{{#{match[1]}}} marks a line in a reading's text and only works there; "
                f"to print that line's number here, write {{line:{match[1]}}}",
                loc,
            )
        for match in syntax.LINE_REF.finditer(item or ""):
            reading = anchors.get(match[1])
            if reading is None:
                known = ", ".join(sorted(anchors)) or "none"
                problem(
                    f"{{line:{match[1]}}} names no anchor; mark the passage in a reading "
                    f"with {{#{match[1]}}} (anchors in this lesson: {known})",
                    loc,
                )
            elif not reading.line_numbers:
                problem(
                    f"{{line:{match[1]}}} points into reading '{reading.id}', which has no "
                    "line numbers; add 'line_numbers: true' to it",
                    loc,
                )


LINKS_ALLOWED = (
    "lessons link only to web pages (http:, https:), e-mail (mailto:) or a place in the "
    "same handout (#name), never to files"
)


def link_problems(
    value: object, loc: tuple, yaml_path: Path, smap: SourceMap, file: Path | None = None
) -> list[Problem]:
    """A warning for each link in lesson text that prints as plain text (SPEC §6), at its
    line in the Markdown `file` the text came from, else at its field in lesson.yaml (its
    own line inside a `|` block)."""
    items = list(enumerate(value)) if isinstance(value, list) else [(None, value)]
    problems = []
    for index, item in items:
        if not isinstance(item, str) or ("[" not in item and "<" not in item):
            continue  # every Markdown or HTML link has one of these
        item_loc = loc if index is None else (*loc, index)
        cursor = 0
        for link in syntax.refused_links(item):
            offset, cursor = _find_link(item, link, cursor)
            message = f"the link to '{_show_target(link.target)}' prints as plain text: "
            message += LINKS_ALLOWED
            if file is not None:
                line_col = _line_col(item, offset) if offset is not None else (None, None)
                problems.append(Problem(file, message, *line_col, "warning"))
                continue
            line, col = smap.value(item_loc) or (None, None)
            if line is not None and offset is not None and item_loc in smap.literal:
                line, col = line + 1 + item.count("\n", 0, offset), None
            problems.append(Problem(yaml_path, message, line, col, "warning"))
    return problems


def _find_link(source: str, link: syntax.RefusedLink, cursor: int) -> tuple[int | None, int]:
    """Where a link is written in `source`: the first of its likely spellings (raw HTML,
    a Markdown link's `(target`, an autolink's `<target`, the bare target) found after the
    previous link, else anywhere; returns the target's offset (None if not found) and the
    new cursor."""
    forms = [(link.tag, 0), (f"({link.href}", 1), (f"<{link.href}", 1), (link.href, 0)]
    forms.append((link.target, 0))
    for start in (cursor, 0):
        for form, skip in forms:
            offset = source.find(form, start) if form.strip("(< ") else -1
            if offset >= 0:
                return offset + skip, offset + 1
    return None, cursor


def _line_col(source: str, offset: int) -> tuple[int, int]:
    line_start = source.rfind("\n", 0, offset) + 1
    return source.count("\n", 0, offset) + 1, offset - line_start + 1


def _show_target(target: str) -> str:
    shown = re.sub(r"[\x00-\x1f\x7f]", lambda m: f"\\x{ord(m[0]):02x}", target)
    return shown if len(shown) <= 60 else shown[:57] + "..."
