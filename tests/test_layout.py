"""Layout problems a photocopy would show become warnings (errors under --strict)."""

from __future__ import annotations

LONG_WORD = "Pneumonoultramicroscopicsilicovolcanoconiosis" * 3


def test_question_taller_than_a_page_is_reported_as_split(write_lesson, cli):
    write_lesson(
        "tall", "title: Tall\nquestions:\n  - prompt: Write a lot.\n    lines: 30\n    answer: x\n"
    )
    built = cli("build", "--no-key")
    assert built.exit_code == 0
    assert (
        "lessons/tall/lesson.yaml: warning: question 'tall-q1' is split across pages 1 and 2"
        in built.stderr
    )
    strict = cli("check", "--strict")
    assert strict.exit_code == 1
    assert "error: question 'tall-q1' is split across pages 1 and 2" in strict.stderr


def test_long_words_wrap_and_text_past_the_margin_is_reported(write_lesson, cli, tmp_path):
    write_lesson(
        "wide",
        f"title: {LONG_WORD}\nquestions:\n  - prompt: See {LONG_WORD}\n"
        f"    answer: https://example.org/{LONG_WORD}\n",
    )
    assert cli("build", "--strict").exit_code == 0  # long words wrap everywhere
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "custom.css").write_text("h1 { white-space: nowrap; }")
    strict = cli("build", "--strict", "-o", "other")
    assert strict.exit_code == 1
    assert "error: content runs outside the printable area on page(s) 1" in strict.stderr
    assert not (tmp_path / "other" / "wide").exists()


def test_character_no_font_has_is_named_with_its_position(write_lesson, cli):
    write_lesson(
        "glyphs",
        "title: Glyphs\nreadings:\n  - id: a\n    file: a.md\n",
        files={"a.md": "First line.\n\nThe word 漢 has no font here.\n"},
    )
    built = cli("build", "--no-key")
    assert built.exit_code == 0
    assert (
        "lessons/glyphs/a.md:3:10: warning: no installed font has the character '漢' (U+6F22)"
    ) in built.stderr
    assert cli("check", "--strict").exit_code == 1


def test_greek_vietnamese_and_arabic_names_print_without_warnings(write_lesson, cli):
    write_lesson(
        "unicode",
        "title: Ἀλέξανδρος, Trần Hưng Đạo, صلاح الدين\n"
        "questions:\n  - prompt: Who was Hồ Chí Minh?\n    answer: Σωκράτης\n",
    )
    result = cli("check", "--strict")
    assert result.exit_code == 0, result.stderr


def test_heading_or_source_line_ending_a_page_is_reported(write_lesson, cli, tmp_path):
    write_lesson(
        "head",
        "title: T\nreadings:\n  - id: a\n    title: Speech\n"
        "    source: A speaker (1962)\n    text: The text.\n",
    )
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "custom.css").write_text(
        ".document-head { break-after: page !important; }"
    )
    result = cli("check", "--strict")
    assert result.exit_code == 1
    assert (
        "lessons/head/lesson.yaml: error: a document's title or source line at the foot "
        "of the student sheet's page 1, apart from what follows it"
    ) in result.stderr
    (tmp_path / "styles" / "custom.css").write_text(
        ".questions > h2 { break-after: page !important; }"
    )
    write_lesson("head", "title: T\nquestions:\n  - prompt: Why?\n    answer: x\n")
    result = cli("check", "--strict")
    wanted = "error: the heading 'Questions' at the foot of the student sheet's page 1"
    assert wanted in result.stderr
