"""Margin line numbers that match the printed lines of each layout (SPEC §4).

CSS cannot count lines, so lessonpack reads them back: a first, cheap layout pass
renders only the numbered readings with every word in a span of its own; the line
boxes WeasyPrint made say which word starts each printed line. The final HTML then
carries a number before the word that starts every 5th line, and `{line:name}`
references in prompts resolve to the line of the anchor `{#name}` in the reading.
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
_TOKEN = re.compile(
    rf"{ANCHOR_START}(?P<anchor>[^{ANCHOR_END}]*){ANCHOR_END}"
    r"|[^\s\-\u2010-\u2015]*[\-\u2010-\u2015]+"  # a word ending in a hyphen or dash: a
    r"|[^\s\-\u2010-\u2015]+"  # line may start right after it, so it ends the token
)
_WORD_ID = re.compile(r"^(?P<doc>.+)-w(?P<index>\d+)$")

# The measuring pass lays out the numbered reading texts only.
MEASURE_CSS = """
body.measure main > :not(.documents), body.measure .lesson-header,
body.measure .document:not(.numbered), body.measure .document-head,
body.measure .glossary, body.measure .figures, body.measure .original,
body.measure .running-title, body.measure .key-banner { display: none !important; }
"""


@dataclass
class Words:
    """A reading's HTML split into words, with the anchors found before them."""

    html: Markup
    anchors: dict[str, int] = field(default_factory=dict)  # anchor name -> word index
    count: int = 0


def number_words(
    body: str, *, word_ids: str | None = None, markers: dict[int, str] | None = None
) -> Words:
    """Walk the words of sanitized HTML. With `word_ids`, wrap each word in a span with the
    id '<word_ids>-w<n>' (the measuring pass); with `markers`, put a line number before the
    words that start numbered lines. Anchor marks are always removed."""
    out: list[str] = []
    anchors: dict[str, int] = {}
    pending: list[str] = []
    index = 0
    for part in _TAG.split(str(body)):
        if part.startswith("<"):
            out.append(part)
            continue
        text = html.unescape(part)
        position = 0
        for match in _TOKEN.finditer(text):
            out.append(str(escape(text[position : match.start()])))
            position = match.end()
            if match["anchor"] is not None:
                pending.append(decode_anchor(match["anchor"]))
                continue
            anchors.update(dict.fromkeys(pending, index))
            pending = []
            word = str(escape(match.group(0)))
            if markers and index in markers:
                # After the word, not before: nothing can break between a word and what is
                # glued to its end, so the number lands on the word's line without changing
                # how the line breaks. CSS puts it in the margin.
                word += f'<span class="ln" aria-hidden="true">{markers[index]}</span>'
            out.append(f'<span id="{word_ids}-w{index}">{word}</span>' if word_ids else word)
            index += 1
        out.append(str(escape(text[position:])))
    anchors.update(dict.fromkeys(pending, max(index - 1, 0)))
    return Words(Markup("".join(out)), anchors, index)


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
    """Read a laid-out measuring document back: reading anchor -> LineMap."""
    lines: dict[str, list[int]] = {}
    previous: dict[str, set[int]] = {}
    for page in document.pages:
        for line_box in _line_boxes(page._page_box):
            words: dict[str, list[int]] = {}
            for box in line_box.descendants():
                element = getattr(box, "element", None)
                match = _WORD_ID.match(element.get("id") or "") if element is not None else None
                if match:
                    words.setdefault(match["doc"], []).append(int(match["index"]))
            for doc, indexes in words.items():
                seen = previous.get(doc, set())
                new = sorted(i for i in set(indexes) if i not in seen)
                if new:  # a word broken across lines belongs to the line it starts on
                    lines.setdefault(doc, []).append(new[0])
                previous[doc] = set(indexes)
    return {doc: LineMap(tuple(starts)) for doc, starts in lines.items()}


def _line_boxes(box):
    if type(box).__name__ == "LineBox":
        yield box
        return
    for child in getattr(box, "children", ()):
        yield from _line_boxes(child)
