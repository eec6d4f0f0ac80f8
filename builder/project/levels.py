"""How long and how hard each document of a lesson is, for `lessonpack list --levels`.

A teacher choosing or adapting a reading wants its length, reading time, a grade-level
score and the rare words worth a glossary entry, without building anything (issue 15,
SPEC §3). Scores come from textstat and word rarity from wordfreq; both are imported only
when levels are measured, so `check`, `build` and `--help` never load them, and both work
offline (textstat is pinned below 0.7.9, which downloads a dictionary on first use).

A score is given only for the language its formula was made for: Flesch-Kincaid and
Dale-Chall for English, and one formula of the language's own where textstat has it;
anything else reads `—`, never an English formula applied to another language.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

from ..letters import letter
from .lesson import LessonSource, load_lesson
from .syntax import ANCHOR, LINE_REF, markdown_converter, term_pattern

WORDS_PER_MINUTE = 200
RARE_BELOW_ZIPF = 3.0  # wordfreq's Zipf scale: 3.0 is once in a million words
MAX_HARD_WORDS = 10
ABOVE_GRADE_BY = 3  # Flesch-Kincaid grades above the top of the lesson's grade range
NO_SCORE = "—"


@dataclass(frozen=True)
class Score:
    """One readability formula's result; `value` None when it was not made for the lesson's
    language (or the document has no words to measure)."""

    name: str
    value: float | None


@dataclass(frozen=True)
class Level:
    """One document of a lesson as `list --levels` prints it."""

    slug: str
    label: str  # "A", "B", ...: the reading's letter on the handout
    reading_id: str
    words: int
    minutes: int
    grade: Score  # Flesch-Kincaid
    language_score: Score  # Dale-Chall, or the lesson language's own formula
    hard_words: tuple[str, ...]  # rarest first, at most MAX_HARD_WORDS
    above_grade: bool


@dataclass(frozen=True)
class _Language:
    textstat_lang: str  # the locale textstat (and its hyphenation dictionary) expects
    score_name: str
    score: Callable  # (textstatistics, plain text) -> float


# The formula of each language's own that textstat 0.7.8 really has; Flesch-Kincaid is
# made for English only. Gulpease counts characters with punctuation (textstat's way).
_LANGUAGES = {
    "en": _Language("en_US", "Dale-Chall", lambda ts, text: ts.dale_chall_readability_score(text)),
    "es": _Language("es", "Fernández-Huerta", lambda ts, text: ts.fernandez_huerta(text)),
    "de": _Language(
        "de_DE", "Wiener Sachtextformel", lambda ts, text: ts.wiener_sachtextformel(text, 1)
    ),
    "it": _Language("it_IT", "Gulpease", lambda ts, text: ts.gulpease_index(text)),
}
_GRADE_FORMULA = "Flesch-Kincaid"
_OTHER_FORMULA = "Dale-Chall"  # the name a language with no formula of its own shows


def language_root(language: str) -> str:
    """`fr-CA` -> `fr`: the formulas and word lists are per language, not per region."""
    return language.split("-")[0].lower()


def lesson_levels(folder: Path) -> list[Level]:
    """Each document of the lesson in `folder`, measured; none when the lesson is invalid
    (`list` shows it as INVALID instead)."""
    source, _ = load_lesson(folder)
    return measure_lesson(source) if source is not None else []


def measure_lesson(source: LessonSource) -> list[Level]:
    """Each reading of a loaded lesson, in order, with the letter the handout gives it."""
    lesson = source.lesson
    return [
        measure_text(
            source.reading_texts.get(reading.id, ""),
            slug=source.slug,
            label=letter(index),
            reading_id=reading.id,
            language=lesson.language,
            grade=lesson.grade,
            glossary_terms=[entry.term for entry in reading.glossary],
        )
        for index, reading in enumerate(lesson.readings)
    ]


def measure_text(
    markdown_text: str,
    *,
    slug: str,
    label: str,
    reading_id: str,
    language: str = "en",
    grade: str | None = None,
    glossary_terms: Iterable[str] = (),
) -> Level:
    """Length, reading time, scores and rare words of one reading's Markdown text."""
    from textstat.textstat import textstatistics

    text = plain_text(markdown_text)
    root = language_root(language)
    formulas = _LANGUAGES.get(root)
    stats = textstatistics()
    stats.set_lang(formulas.textstat_lang if formulas else language)
    words = stats.lexicon_count(text) if text else 0
    grade_value = stats.flesch_kincaid_grade(text) if words and root == "en" else None
    if formulas is None:
        language_score = Score(_OTHER_FORMULA, None)
    else:
        language_score = Score(formulas.score_name, formulas.score(stats, text) if words else None)
    top = grade_top(grade)
    return Level(
        slug=slug,
        label=label,
        reading_id=reading_id,
        words=words,
        minutes=math.ceil(words / WORDS_PER_MINUTE),
        grade=Score(_GRADE_FORMULA, grade_value),
        language_score=language_score,
        hard_words=hard_words(text, root, glossary_terms),
        above_grade=(  # as printed: "15.0" is not above 12 + 3
            grade_value is not None
            and top is not None
            and round(grade_value, 1) > top + ABOVE_GRADE_BY
        ),
    )


def format_level(level: Level) -> str:
    """`fall-of-rome  Document A  412 words  3 min  Flesch-Kincaid 10.8  Dale-Chall 9.1
    hard: foederati, sestertius` (one line), with `  above grade` when it is."""
    parts = [
        level.slug,
        f"Document {level.label}",
        f"{level.words} word{'s' if level.words != 1 else ''}",
        f"{level.minutes} min",
        _score(level.grade),
        _score(level.language_score),
        f"hard: {', '.join(level.hard_words) or NO_SCORE}",
    ]
    if level.above_grade:
        parts.append("above grade")
    return "  ".join(parts)


def _score(score: Score) -> str:
    return f"{score.name} {NO_SCORE if score.value is None else f'{score.value:.1f}'}"


_GRADE_RANGE = re.compile(r"^\s*(?:(?:K|\d{1,2})\s*[-–]\s*)?(K|\d{1,2})\s*$", re.IGNORECASE)


def grade_top(grade: str | None) -> int | None:
    """The top of a lesson's `grade:` ("9-12" -> 12, "8" -> 8, "K-2" -> 2, "K" -> 0); None
    for anything else ("AP", "college"), which is then not compared."""
    found = _GRADE_RANGE.match(grade or "")
    if not found:
        return None
    return 0 if found[1].upper() == "K" else int(found[1])


# Words for the rarity check: letters, joined by inner apostrophes or hyphens.
_WORD = re.compile(r"[^\W\d_]+(?:['’-][^\W\d_]+)*")
_POSSESSIVE = re.compile(r"'s?$")
_SENTENCE_END = re.compile(r"[.!?…]")


def hard_words(text: str, root: str, glossary_terms: Iterable[str] = ()) -> tuple[str, ...]:
    """The rarest words of a plain text in language `root` by wordfreq's frequency (below
    RARE_BELOW_ZIPF), rarest first, at most MAX_HARD_WORDS, lowercased, without a
    possessive 's; none when wordfreq has no list for the language. The document's
    glossary terms are left out (they are explained), and so are names: words never
    written in lower case and capitalized inside a sentence."""
    from wordfreq import available_languages, zipf_frequency

    if root not in available_languages("best"):
        return ()  # wordfreq would silently use its "nearest" language instead
    for term in glossary_terms:
        text = term_pattern(term).sub(" ", text)
    first_seen: dict[str, int] = {}
    written_lower: set[str] = set()
    capital_inside_sentence: set[str] = set()
    for found in _WORD.finditer(text):
        word = _POSSESSIVE.sub("", found[0].replace("’", "'"))
        key = word.lower()
        first_seen.setdefault(key, found.start())
        if word[0].islower():
            written_lower.add(key)
        elif not _starts_sentence(text, found.start()):
            capital_inside_sentence.add(key)
    rare = []
    for key, position in first_seen.items():
        if key not in written_lower and key in capital_inside_sentence:
            continue  # a name
        zipf = zipf_frequency(key, root, wordlist="best")
        if zipf < RARE_BELOW_ZIPF:
            rare.append((zipf, position, key))
    return tuple(key for _, _, key in sorted(rare)[:MAX_HARD_WORDS])


def _starts_sentence(text: str, position: int) -> bool:
    before = text[:position].rstrip().rstrip("\"'“”‘’([")
    return not before or bool(_SENTENCE_END.fullmatch(before[-1]))


# Block elements: each ends a sentence, so a heading or list item without a full stop
# does not run into the next one and lengthen its sentence.
_BLOCKS = {
    "p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "td", "th", "tr", "blockquote", "pre",
    "div", "br", "dt", "dd", "caption", "figcaption", "table", "ul", "ol", "hr",
}  # fmt: skip
_NOT_TEXT = {"script", "style"}
_ENDS_SENTENCE = re.compile(r"[.!?…][\"'”’)\]]*$")


class _PlainText(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[str] = []
        self.current: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs) -> None:
        if tag in _NOT_TEXT:
            self.skipping += 1
        elif tag in _BLOCKS:
            self.end_block()

    def handle_endtag(self, tag: str) -> None:
        if tag in _NOT_TEXT:
            self.skipping = max(0, self.skipping - 1)
        elif tag in _BLOCKS:
            self.end_block()

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.current.append(data)

    def end_block(self) -> None:
        block = " ".join("".join(self.current).split())
        self.current = []
        if block:
            self.blocks.append(block if _ENDS_SENTENCE.search(block) else block + ".")


def plain_text(markdown_text: str) -> str:
    """A reading's Markdown as the words a student reads: no Markdown or HTML syntax, no
    anchors `{#name}` or line references `{line:name}`; one line per block, each ending
    a sentence."""
    markdown_text = LINE_REF.sub("", ANCHOR.sub("", markdown_text))
    converter = markdown_converter()
    converter.reset()
    parser = _PlainText()
    parser.feed(converter.convert(markdown_text))
    parser.close()
    parser.end_block()
    return "\n".join(parser.blocks)
