"""The source-document model: labels, focus questions, glossary notes, originals, images,
and margin line numbers that match the printed lines of each layout."""

from __future__ import annotations

import re

import pypdfium2
import pytest
from conftest import pdf_text, write_png
from pypdf import PdfReader

FILLER = " ".join(f"word{i}" for i in range(1, 400))


def _positions(pdf_path, needle: str) -> list[tuple[int, float]]:
    """(page index, vertical centre) of every occurrence of `needle` in the PDF."""
    found = []
    document = pypdfium2.PdfDocument(str(pdf_path))
    for index in range(len(document)):
        textpage = document[index].get_textpage()
        searcher = textpage.search(needle, match_case=True, match_whole_word=True)
        while (hit := searcher.get_next()) is not None:
            _left, bottom, _right, top = textpage.get_charbox(hit[0])
            found.append((index, (bottom + top) / 2))
    return found


def test_numbers_stand_on_every_fifth_printed_line_across_pages(write_lesson, cli, tmp_path):
    lines = "  \n".join(f"Verse{n} text" for n in range(1, 71))  # hard line breaks
    write_lesson(
        "poem",
        "title: Poem\nreadings:\n  - id: poem\n    line_numbers: true\n    file: poem.md\n",
        files={"poem.md": lines + "\n"},
    )
    assert cli("build", "--no-key", "--strict").exit_code == 0
    pdf = tmp_path / "dist/poem/poem-student.pdf"
    assert len(PdfReader(pdf).pages) == 2  # the reading runs onto a second page
    for number in range(5, 71, 5):
        (marker,) = [p for p in _positions(pdf, str(number)) if p != ()][:1]
        (verse,) = _positions(pdf, f"Verse{number}")
        assert marker[0] == verse[0] and abs(marker[1] - verse[1]) < 4, number
    assert not _positions(pdf, "3")  # only every fifth line is numbered


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_line_reference_follows_the_layout(paper, write_lesson, cli, tmp_path):
    text = FILLER.replace("word250", "{#spot}Zanzibar")
    write_lesson(
        "ref",
        f"""\
        title: Reference
        readings:
          - id: long
            line_numbers: true
            text: "{text}"
        questions:
          - prompt: What happens at {{line:spot}}?
            answer: Something.
        """,
    )
    assert cli("build", "--no-key", "--paper", paper).exit_code == 0
    pdf = tmp_path / "dist/ref/ref-student.pdf"
    printed = int(pdf_text(pdf).split("What happens at line ")[1].split("?")[0])
    (word_page, word_y) = _positions(pdf, "Zanzibar")[0]
    # the nearest margin number on that page, and the fixed line pitch, give the word's line
    markers = [
        (n, y) for n in range(5, 200, 5) for page, y in _positions(pdf, str(n)) if page == word_page
    ]
    pitch = abs(markers[1][1] - markers[0][1]) / 5
    number, y = min(markers, key=lambda m: abs(m[1] - word_y))
    assert printed == number + round((y - word_y) / pitch)


def _reading_lines(pdf_path) -> list[tuple[list[str], list[str]]]:
    """The printed lines of a FILLER reading, in order across pages: (its words, the
    margin numbers printed on it). A line is the words sharing a baseline; lines
    without a `wordN` (title, questions, footer) are not the reading's."""
    lines = []
    document = pypdfium2.PdfDocument(str(pdf_path))
    for index in range(len(document)):
        textpage = document[index].get_textpage()
        text = textpage.get_text_range()
        tokens = []
        for match in re.finditer(r"\b(?:word\d+|Zanzibar|\d+)\b", text):
            _left, bottom, _right, top = textpage.get_charbox(match.start(), loose=True)
            tokens.append(((bottom + top) / 2, match[0]))
        rows: list[tuple[float, list[str]]] = []
        for y, token in sorted(tokens, key=lambda t: -t[0]):  # top of the page first
            if rows and abs(rows[-1][0] - y) < 4:  # the margin number's font is smaller
                rows[-1][1].append(token)
            else:
                rows.append((y, [token]))
        for _, row in rows:
            words = [t for t in row if not t.isdigit()]
            if any(w.startswith("word") or w == "Zanzibar" for w in words):
                lines.append((words, [t for t in row if t.isdigit()]))
    return lines


def test_letter_and_a4_number_the_same_text_differently(write_lesson, cli, tmp_path):
    """Each paper's margin numbers stand on every 5th of its own printed lines and its
    {line:} reference names its own line, so A4 can never reuse Letter's numbers."""
    text = FILLER.replace("word250", "{#spot}Zanzibar")
    write_lesson(
        "wrap",
        f'title: Wrap\nreadings:\n  - id: a\n    line_numbers: true\n    text: "{text}"\n'
        "questions:\n  - prompt: What happens at {line:spot}?\n    answer: Something.\n",
    )
    assert cli("build", "--no-key", "-o", "letter").exit_code == 0
    assert cli("build", "--no-key", "--paper", "a4", "-o", "a4").exit_code == 0
    letter_lines = _positions(tmp_path / "letter/wrap/wrap-student.pdf", "word200")
    a4_lines = _positions(tmp_path / "a4/wrap/wrap-student.pdf", "word200")
    assert letter_lines and a4_lines  # both printed
    cited = {}
    starts = {}
    for paper in ("letter", "a4"):
        pdf = tmp_path / paper / "wrap/wrap-student.pdf"
        lines = _reading_lines(pdf)
        assert sum(len(words) for words, _ in lines) == 399, paper  # every word, once
        for number, (words, margin) in enumerate(lines, start=1):
            assert margin == ([str(number)] if number % 5 == 0 else []), (paper, number, words)
        cited[paper] = int(pdf_text(pdf).split("What happens at line ")[1].split("?")[0])
        (spot,) = [n for n, (words, _) in enumerate(lines, start=1) if "Zanzibar" in words]
        assert cited[paper] == spot, paper
        starts[paper] = [words[0] for words, _ in lines]
    assert starts["letter"] != starts["a4"]  # the layouts differ ...
    assert cited["letter"] != cited["a4"]  # ... and so does the line cited
    assert cli("check", "--strict").exit_code == 0


def test_unknown_or_unnumbered_line_references_are_errors(write_lesson, cli):
    write_lesson(
        "bad",
        """\
        title: T
        readings:
          - id: a
            text: "{#start}Some text."
        questions:
          - prompt: See {line:start} and {line:nowhere}.
            answer: x
        """,
    )
    result = cli("check")
    assert result.exit_code == 1
    assert (
        "lessons/bad/lesson.yaml:6:13: error: {line:start} points into reading 'a', which "
        "has no line numbers; add 'line_numbers: true' to it"
    ) in result.stderr
    assert "error: {line:nowhere} names no anchor" in result.stderr


def test_an_anchor_outside_a_reading_is_an_error_and_titles_print_it_as_written(
    write_lesson, cli, tmp_path
):
    write_lesson(
        "misplaced",
        """\
        title: "Braces {#like-this} print as written"
        readings:
          - id: a
            line_numbers: true
            text: "{#start}Some text."
        questions:
          - prompt: Read {#start} again.
            answer: x
        """,
    )
    result = cli("check")
    assert result.exit_code == 1
    assert (
        "lessons/misplaced/lesson.yaml:7:13: error: {#start} marks a line in a reading's text "
        "and only works there; to print that line's number here, write {line:start}"
    ) in result.stderr
    lesson = tmp_path / "lessons" / "misplaced" / "lesson.yaml"
    lesson.write_text(lesson.read_text().replace("Read {#start}", "Read {line:start}"))
    assert cli("build", "--no-key", "--strict").exit_code == 0  # no stray private characters
    text = pdf_text(tmp_path / "dist" / "misplaced" / "misplaced-student.pdf")
    assert "Braces {#like-this} print as written" in text and "Read line 1 again" in text


def test_document_parts_print_and_glossary_words_are_marked(write_lesson, cli, tmp_path):
    folder = write_lesson(
        "docs",
        """\
        title: Documents
        readings:
          - id: speech
            title: A speech
            source: A speaker, *A Speech* (1962)
            headnote: Context before the text.
            focus_question: What does the speaker want?
            text: The blockade began, and the blockade held.
            original: The blokade began (original spelling).
            show_original: true
            images:
              - file: images/map.png
                alt: A map of the Caribbean
                caption: The Caribbean in 1962
                credit: Drawn for this lesson
            glossary:
              - term: blockade
                meaning: ships stopping ships
          - id: letter
            text: Second document.
        questions:
          - prompt: Which document?
            reading: letter
            answer: B
        """,
    )
    (folder / "images").mkdir()
    write_png(folder / "images" / "map.png")
    result = cli("build", "--html")
    assert result.exit_code == 0, result.output
    text = pdf_text(tmp_path / "dist/docs/docs-student.pdf")
    for expected in (
        "Document A",
        "A speech",
        "Source: A speaker, A Speech (1962)",
        "Context before the text.",
        "What does the speaker want?",
        "The Caribbean in 1962",
        "Drawn for this lesson",
        "Document B",
        "ORIGINAL TEXT, UNMODIFIED",
        "The blokade began (original spelling).",
        "1 blockade ships stopping ships",
    ):
        assert expected in text, expected
    assert "blockade 1 began" in text.replace("blockade1", "blockade 1")  # first use marked
    html = (tmp_path / "dist/docs/docs-student.html").read_text()
    assert 'alt="A map of the Caribbean"' in html
    asset = html.split('<img src="')[1].split('"')[0]
    assert asset.startswith("assets/") and (tmp_path / "dist/docs" / asset).is_file()
    images = [
        name
        for page in PdfReader(tmp_path / "dist/docs/docs-student.pdf").pages
        for name in (page["/Resources"].get("/XObject") or {})
    ]
    assert images  # the image is drawn in the PDF


@pytest.mark.parametrize(
    ("image", "message"),
    [
        ("missing.png", "error: image 'lessons/docs/missing.png' does not exist"),
        ("notes.txt", "error: image 'notes.txt' is not a PNG, JPEG, GIF, WebP or SVG file"),
        ("../../../outside.png", "error: image '../outside.png' is outside the lesson project"),
    ],
)
def test_bad_images_are_located_errors(image, message, write_lesson, cli, tmp_path):
    folder = write_lesson(
        "docs",
        f"""\
        title: T
        readings:
          - id: a
            text: x
            images:
              - file: {image}
                alt: a picture
        """,
    )
    (folder / "notes.txt").write_text("not an image")
    write_png(tmp_path.parent / "outside.png")
    result = cli("check")
    assert result.exit_code == 1
    assert f"lessons/docs/lesson.yaml:6:15: {message}" in result.stderr


def test_glossary_term_missing_from_text_is_a_warning(write_lesson, cli):
    write_lesson(
        "g",
        "title: T\nreadings:\n  - id: a\n    text: Nothing here.\n"
        "    glossary:\n      - term: brinkmanship\n        meaning: m\n",
    )
    result = cli("check")
    assert result.exit_code == 0
    assert (
        "lessons/g/lesson.yaml:6:15: warning: glossary term 'brinkmanship' does not "
        "appear in the text of reading 'a'"
    ) in result.stderr
