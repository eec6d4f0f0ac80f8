"""Margin line numbers that match the printed lines of each layout (SPEC §4).

CSS cannot count lines, so lessonpack reads them back: a first layout pass renders
only the numbered readings, and counting the words in each line box WeasyPrint made
says which word starts each printed line. The final HTML then carries a number glued
to the word that starts every 5th line, and `{line:name}` references in prompts
resolve to the line of the anchor `{#name}` in the reading.
Line breaks depend only on the column width and the fonts, so one pass per paper
size (and variant) serves the student sheet and the key alike.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field

from markupsafe import Markup, escape

from .text import ANCHOR_END, ANCHOR_START, decode_anchor

EVERY = 5
_TAG = re.compile(r"(<[^>]*>)")
_TAG_NAME = re.compile(r"^</?([a-zA-Z0-9]+)")
# Tags that end a word: block boundaries and forced breaks. Inline tags (em, strong,
# span, sup, a) do not: "<em>Soviet</em>'s" is one word on paper.
_BREAKING_TAGS = {
    "p",
    "br",
    "li",
    "ol",
    "ul",
    "dl",
    "dt",
    "dd",
    "blockquote",
    "pre",
    "hr",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "table",
    "tr",
    "td",
    "th",
    "div",
}
_ANCHOR_MARK = re.compile(rf"{ANCHOR_START}([^{ANCHOR_END}]*){ANCHOR_END}")
# A word, or a word ending in a hyphen or dash (a line may start right after one).
_WORD_PIECE = re.compile(r"[^\s\-\u2010-\u2015]*[\-\u2010-\u2015]+|[^\s\-\u2010-\u2015]+")

# The measuring pass lays out the numbered reading texts only.
MEASURE_CSS = """
body.measure main > :not(.documents), body.measure .lesson-header,
body.measure .document:not(.numbered), body.measure .document-head,
body.measure .glossary, body.measure .figures, body.measure .original,
body.measure .running-title, body.measure .key-banner { display: none !important; }
"""


@dataclass
class Words:
    """A reading's HTML with its anchors removed and line numbers placed."""

    html: Markup
    anchors: dict[str, int] = field(default_factory=dict)  # anchor name -> word index
    count: int = 0


def count_words(text: str) -> int:
    """Words in a line of printed text, counted as number_words counts them."""
    return len(_WORD_PIECE.findall(text))


def number_words(body: str, markers: dict[int, str] | None = None) -> Words:
    """Walk the words of sanitized HTML, note the word each anchor mark precedes, drop the
    marks, and put a line number after each word in `markers` (word index -> number).

    A word is a run of printed characters without space, ending after a dash, and not
    crossing a block boundary; inline tags do not end it ("<em>Soviet</em>'s")."""
    words = _WordWalk(markers or {})
    for part in _TAG.split(str(body)):
        if part.startswith("<"):
            name = _TAG_NAME.match(part)
            if name and name[1].lower() in _BREAKING_TAGS:
                words.end_word()
            words.out.append(part)
            continue
        text = html.unescape(part)
        position = 0
        for match in _ANCHOR_MARK.finditer(text):
            words.text(text[position : match.start()])
            words.anchors[decode_anchor(match[1])] = words.count  # the word it precedes
            position = match.end()
        words.text(text[position:])
    words.end_word()
    return Words(Markup("".join(words.out)), words.anchors, words.count)


class _WordWalk:
    def __init__(self, markers: dict[int, str]) -> None:
        self.markers = markers
        self.out: list[str] = []
        self.anchors: dict[str, int] = {}
        self.count = 0  # words completed; the word in progress has this index
        self.in_word = False

    def end_word(self) -> None:
        if self.in_word:
            if self.count in self.markers:
                # Glued to the end of the line's first word: nothing can break between a
                # word and what follows it directly, so the number stays on the word's line.
                self.out.append(
                    f'<span class="ln" aria-hidden="true">{self.markers[self.count]}</span>'
                )
            self.count += 1
            self.in_word = False

    def text(self, text: str) -> None:
        for piece in _PIECES.findall(text):
            if piece.isspace():
                self.end_word()
            else:
                self.in_word = True
            self.out.append(str(escape(piece)))
            if piece[-1] in _DASHES:
                self.end_word()


_DASHES = "-\u2010\u2011\u2012\u2013\u2014\u2015"
_PIECES = re.compile(rf"\s+|{_WORD_PIECE.pattern}")  # spaces, or the words count_words counts


@dataclass(frozen=True)
class LineMap:
    """For one reading in one layout: the word that starts each printed line."""

    starts: tuple[int, ...]  # word index starting line 1, 2, ...

    def line_of(self, word: int) -> int:
        """The printed line (1-based) holding word number `word`."""
        line = 0
        for number, start in enumerate(self.starts, start=1):
            if start > word:
                break
            line = number
        return max(line, 1)

    def markers(self) -> dict[int, str]:
        return {self.starts[n - 1]: str(n) for n in range(EVERY, len(self.starts) + 1, EVERY)}


def line_maps(document) -> dict[str, LineMap]:
    """Read a laid-out measuring document back: reading id -> LineMap."""
    starts: dict[str, list[int]] = {}
    counted: dict[str, int] = {}
    for page in document.pages:
        for element, line_box in numbered_lines(page._page_box):
            doc = element.get("data-reading")
            starts.setdefault(doc, []).append(counted.get(doc, 0))
            counted[doc] = counted.get(doc, 0) + count_words(
                "".join(
                    box.text
                    for box in line_box.descendants()
                    if type(box).__name__ == "TextBox" and not box.element_tag.endswith("::marker")
                )
            )
    return {doc: LineMap(tuple(line_starts)) for doc, line_starts in starts.items()}


def numbered_lines(box, text_element=None):
    """(reading text element, line box) for the printed lines of numbered readings, in
    order; a list item's number has a line box of its own, which is not a line of text."""
    element = getattr(box, "element", None)
    if element is not None and "numbered-text" in (element.get("class") or "").split():
        text_element = element
    if type(box).__name__ == "LineBox":
        if text_element is not None and any(
            type(child).__name__ == "TextBox" and not child.element_tag.endswith("::marker")
            for child in box.descendants()
        ):
            yield text_element, box
        return
    for child in getattr(box, "children", ()):
        yield from numbered_lines(child, text_element)
