"""Large print is large everywhere (SPEC §4): in the large-print student sheet and key of
the sample lesson, of the hard fixture lessons and of a lesson with every element the
sample lacks (a match timeline with long dates, a glossary of eleven notes, a true/false
question, an image with caption and credit, the original text shown) and of a bundle of
them with its class line and cover, every character is at least 16 pt, reading text and
questions at least 18 pt, no word breaks across lines in a table, and each glossary
note's number and term are apart in the text a reader or screen reader gets.

Sizes are read back per character with pdfium: its font size times the scale of the
character's matrix (WeasyPrint draws in CSS px under a 0.75 scale, so 18 pt text is a
24 "px" font scaled by 0.75)."""

from __future__ import annotations

import itertools
import math
import re
import shutil
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import pypdfium2.raw as pdfium_c
import pytest
from conftest import SAMPLE, SLUG, pdf_text, squash, write_png
from fixture_lessons import FIXTURES, SENTENCE, write_fixture

from builder import BuildOptions, build

LARGE = 16.0  # pt: no text smaller in large print
BODY = 18.0  # pt: reading text and questions
ELEMENTS = "berlin-wall"
GLOSSARY = [
    ("perestroika", "Gorbachev's restructuring of the Soviet economy"),
    ("glasnost", "openness; more freedom to speak and publish"),
    ("Politburo", "the ruling committee of a communist party"),
    ("Schabowski", "the East German official who announced the new travel rules"),
    ("Stasi", "East Germany's secret police"),
    ("Solidarity", "the Polish trade union founded in 1980"),
    ("Pan-European Picnic", "a border opening between Hungary and Austria"),
    ("Monday demonstrations", "weekly protests in Leipzig in the autumn of 1989"),
    ("Iron Curtain", "the fortified border between East and West"),
    ("Brezhnev Doctrine", "the Soviet claim to intervene in socialist countries"),
    ("Sinatra Doctrine", 'the joke that each country could now do it "my way"'),
]
READING = (
    "Shortly before midnight the guards at Bornholmer Strasse gave up and opened the gate. "
    "Thousands of East Berliners walked into the West, many in slippers and house coats, "
    "and strangers embraced in the street. "
    + " ".join(f"They spoke of **{term}**." for term, _ in GLOSSARY)
)
MATCH = [  # the dates the longest month names give, each with its event
    ("1980-08-31", "Solidarity is recognized in Gdańsk"),
    ("1988-12-07", "Gorbachev speaks at the United Nations"),
    ("1989-09-11", "Hungary opens its border to Austria"),
    ("1989-11-09", "The Berlin Wall opens"),
    ("1989-11-17", "The Velvet Revolution begins in Prague"),
    ("1990-10-03", "Germany is reunited"),
]
PROMPTS = [
    "Why did the guards open the gate?",
    "Which principle did Gorbachev call universal?",
    "The Berlin Wall opened in November 1989.",
    "Answer the central question with evidence from the document.",
]
GLOSSARY_YAML = "".join(
    f"      - {{term: {t}, meaning: '{m.replace(chr(39), chr(39) * 2)}'}}\n" for t, m in GLOSSARY
)
MATCH_YAML = "".join(f"    - {{date: {d}, label: {label}}}\n" for d, label in MATCH)
ELEMENTS_YAML = f"""\
title: The end of the Cold War in Europe
subtitle: From Solidarity to German unity
subject: World History
grade: "10"
central_question: Why did communist rule in Eastern Europe collapse so quickly in 1989?
objectives: [Explain two causes of the revolutions of 1989.]
readings:
  - id: wall
    title: The night the Wall opened
    source: Reporter's dispatch (newspaper, 10 November 1989), excerpt
    headnote: A reporter wrote this the morning after the border crossings opened.
    focus_question: What surprised the reporter most?
    line_numbers: true
    images:
      - {{file: map.png, alt: A map, caption: Divided Berlin., credit: Drawn for the tests}}
    text: "{READING}"
    original: Kurz vor Mitternacht gaben die Grenzer an der Bornholmer Straße auf.
    show_original: true
    glossary:
{GLOSSARY_YAML}\
questions:
  - {{reading: wall, prompt: "{PROMPTS[0]}", points: 2, lines: 3, answer: No orders came.}}
  - prompt: {PROMPTS[1]}
    kind: choice
    choices: [Central planning, Freedom of choice, Peaceful coexistence]
    answer: B
    points: 1
  - {{prompt: {PROMPTS[2]}, kind: truefalse, answer: true, points: 1}}
  - prompt: {PROMPTS[3]}
    group: Extended response
    kind: long
    lines: 4
    points: 6
    answer: [A claim, Evidence, Reasoning]
    rubric:
      - {{points: 6, label: Thorough, descriptor: A claim with evidence and reasons.}}
      - {{points: 3, label: Approaching, descriptor: A claim with some evidence.}}
      - {{points: 1, label: Beginning, descriptor: A restatement of the question.}}
timeline:
  title: The year the Wall fell
  instructions: Write the letter of each event next to its date.
  mode: match
  events:
{MATCH_YAML}"""
BUNDLE = f"""\
title: Cold War unit — the end
class: Period 4, World History
teacher: Mr. Abernathy
date: 2026-12-14
large_print: true
lessons: [{ELEMENTS}, unicode-names]
"""
# What each lesson's sheets must print at 18 pt or more: reading text, prompts, choices.
BODY_TEXT = {
    SLUG: [
        "brought the United States closer than it ever did before to a nuclear war",
        "was marked by intense diplomatic negotiations and the brinkmanship",
        "Who do you think wrote Document A, and for what audience?",
        "According to Document B, what did the United States agree to do to end the crisis?",
        "Not invade Cuba, and remove its Jupiter missiles from Turkey",
    ],
    "long-reading": [SENTENCE.strip(), "What waited at line"],
    "twenty-questions": [
        "Short question number 1?",
        "Pick the right answer for question 3.",
        "Statement number 8 is true.",
        "Explain change and continuity, part 20.",
        "Fourth",
        "True False",
    ],
    "unicode-names": ["Trần Hưng Đạo defeated the Yuan fleet", "Who was Lý Thường Kiệt"],
    "long-words": ["Choose.", "Explain"],
    ELEMENTS: [
        "Shortly before midnight the guards at Bornholmer Strasse",
        *PROMPTS,
        "Freedom of choice",
        "True False",
    ],
}
# The match list's events are text to read too; the key's drawing prints them at 16 pt.
STUDENT_BODY_TEXT = {ELEMENTS: [label for _, label in MATCH]}
# Glossary notes as they should read: number, space, term (numbered per document).
NOTES = {
    ELEMENTS: [f"{number} {term}" for number, (term, _) in enumerate(GLOSSARY, 1)],
    SLUG: ["1 deterrent", "3 missile gap", "1 brinkmanship", "3 Jupiter missile"],
}
# Words a narrow column broke before ("EVEN / T"), which must print whole.
HEADERS = ("DATE", "EVENT", "POINTS", "LEVEL", "QUESTION", "TOTAL", "LESSON", "PAGE")


@dataclass(frozen=True)
class Char:
    text: str
    size: float  # pt, as printed; 0 for the spaces and line ends pdfium adds


@pytest.fixture(scope="module")
def large(tmp_path_factory) -> dict[str, dict[str, Path]]:
    """The large-print PDFs, built once: {lesson or bundle: {"student": pdf, "key": pdf}}."""
    root = tmp_path_factory.mktemp("large-sizes")
    shutil.copytree(SAMPLE, root / "lessons" / SLUG)
    for name in FIXTURES:
        write_fixture(root, name)
    folder = root / "lessons" / ELEMENTS
    folder.mkdir()
    (folder / "lesson.yaml").write_text(ELEMENTS_YAML, encoding="utf-8")
    write_png(folder / "map.png", 200, 100)
    (root / "lessons" / "unit.bundle.yaml").write_text(BUNDLE, encoding="utf-8")
    result = build([root / "lessons"], BuildOptions(out_dir=root / "dist", large_print=True))
    found: dict[str, dict[str, Path]] = {}
    for output in result.outputs:
        made = output.made
        if made and made.variant.large_print and not made.lesson:  # not a bundle's copies
            sheet = "key" if made.variant.show_answers else "student"
            found.setdefault(made.owner, {})[sheet] = output.path
    assert set(found) == {SLUG, *FIXTURES, ELEMENTS, "unit"}, result.problems
    assert all(len(sheets) == 2 for sheets in found.values()), found
    return found


def pdfs(large):
    for name, variants in large.items():
        for variant, path in variants.items():
            yield f"{name} {variant}", name, path


def characters(path: Path) -> list[list[Char]]:
    """Each page's characters in pdfium's reading order, with the size they print at."""
    pages = []
    matrix = pdfium_c.FS_MATRIX()
    document = pypdfium2.PdfDocument(path)
    for page in document:
        textpage = page.get_textpage()
        found = []
        for index in range(textpage.count_chars()):
            raw = textpage.raw
            text = chr(pdfium_c.FPDFText_GetUnicode(raw, index))
            size = pdfium_c.FPDFText_GetFontSize(raw, index)
            if pdfium_c.FPDFText_IsGenerated(raw, index) == 1 or not pdfium_c.FPDFText_GetMatrix(
                raw, index, matrix
            ):
                size = 0.0
            scale = math.sqrt(abs(matrix.a * matrix.d - matrix.b * matrix.c))
            found.append(Char(text, round(size * scale, 2)))
        pages.append(found)
    return pages


def lines(path: Path) -> list[list[str]]:
    """Each page's printed lines, as pdfium reads them."""
    document = pypdfium2.PdfDocument(path)
    return [page.get_textpage().get_text_bounded().splitlines() for page in document]


def sizes_of(pages: list[list[Char]], phrase: str) -> list[list[float]]:
    """For each place `phrase` prints (spaces and line ends as one space), the sizes of
    its characters other than spaces."""
    flat = [c for page in pages for c in [*page, Char(" ", 0.0)]]
    kept: list[Char] = []
    for char in flat:
        if char.text.isspace() or char.text == "\x00":
            if kept and kept[-1].text != " ":
                kept.append(Char(" ", 0.0))
        else:
            kept.append(char)
    text = "".join(c.text for c in kept)
    wanted = squash(phrase)
    return [
        [c.size for c in kept[m.start() : m.end()] if c.text != " "]
        for m in re.finditer(re.escape(wanted), text)
    ]


def test_every_character_prints_at_16pt_or_more(large):
    for where, _, path in pdfs(large):
        pages = characters(path)
        assert sum(len(page) for page in pages) > 200, f"{where}: no text read"
        small = [
            (number, char.text, char.size)
            for number, page in enumerate(pages, 1)
            for char in page
            if not char.text.isspace() and char.text != "\x00" and char.size < LARGE - 0.01
        ]
        runs = "".join(text for _, text, _ in small)
        assert not small, f"{where}: {len(small)} characters under 16 pt: {small[:5]} {runs[:80]!r}"


def test_reading_text_and_questions_print_at_18pt(large):
    for where, name, path in pdfs(large):
        phrases = BODY_TEXT.get(name, [])
        if where.endswith("student"):
            phrases = [*phrases, *STUDENT_BODY_TEXT.get(name, [])]
        pages = characters(path)
        for phrase in phrases:
            places = sizes_of(pages, phrase)
            assert places, f"{where}: {phrase!r} not found"
            smallest = min(min(sizes) for sizes in places)
            assert smallest >= BODY - 0.01, f"{where}: {phrase!r} prints at {smallest} pt"


def test_no_table_breaks_a_word_across_lines(large):
    """A header word whole on one line, a match table's dates too; and nowhere does a
    line end in the start of one of those words and the next begin with its rest."""
    splits = {(word[:k], word[k:]) for word in HEADERS for k in range(1, len(word))}
    for where, name, path in pdfs(large):
        pages = lines(path)
        for number, page in enumerate(pages, 1):
            for above, below in itertools.pairwise(page):
                pair = (above.split()[-1:] or [""])[0], (below.split()[:1] or [""])[0]
                assert pair not in splits, f"{where} page {number}: {pair[0]!r} / {pair[1]!r}"
        printed = [line.strip() for page in pages for line in page]
        words = {word for line in printed for word in line.split()}
        if name == ELEMENTS:
            assert {"DATE", "EVENT"} <= words, f"{where}: the match table's header"
            for date in ("31 August 1980", "7 December 1988", "11 September 1989"):
                assert any(date in line for line in printed), f"{where}: {date} on one line"
        if name == ELEMENTS and where.endswith("key"):
            assert {"Approaching", "Beginning"} <= words, f"{where}: the rubric's labels"
        if name == SLUG and where.endswith("key"):
            assert {"POINTS", "LEVEL", "QUESTION", "TOTAL"} <= words, f"{where}: headers"
        if name == "unit":
            assert {"LESSON", "PAGE"} <= words, f"{where}: the cover's contents"


def test_a_glossary_number_and_its_term_are_apart(large):
    """A note reads "10 Brezhnev Doctrine", not "10Brezhnev Doctrine" (a two-digit number
    filled its box, and nothing but the box's width stood between it and the term)."""
    for where, name, path in pdfs(large):
        if name not in NOTES:
            continue
        readers = {"pypdf": pdf_text(path)}
        readers["pdfium"] = squash(" ".join(" ".join(page) for page in lines(path)))
        for reader, text in readers.items():
            for note in NOTES[name]:
                assert f"{note} " in text, f"{where}, {reader}: {note!r} with no space"
