"""Bad input: exit 1, `path:line:col: error: message` on stderr, every problem of every
lesson listed, no traceback, nothing written (SPEC §3)."""

from __future__ import annotations

import pytest

GOOD_READING = """\
readings:
  - id: origins
    text: Some text.
"""

CASES = {
    "yaml-syntax": (
        "title: Cuba\nsubtitle: Thirteen days: October 1962\n",
        "lessons/bad/lesson.yaml:2:24: error: a ': ' inside a value ends the key; put the whole "
        'value in quotes: subtitle: "Thirteen days: October 1962"',
    ),
    "missing-field": (
        "subtitle: no title here\nlanguage: en\n",
        "lessons/bad/lesson.yaml:1:1: error: missing required field 'title'",
    ),
    "missing-nested-field": (
        "title: T\nquestions:\n  - points: 2\n    answer: x\n",
        "lessons/bad/lesson.yaml:3:5: error: missing required field 'prompt' (question 1)",
    ),
    "wrong-type": (
        "title: T\nquestions:\n  - prompt: Why?\n    points: two\n    answer: x\n",
        "lessons/bad/lesson.yaml:4:13: error: 'points' must be a whole number, not 'two'",
    ),
    "list-expected": (
        "title: T\nobjectives: Explain the crisis\n",
        "lessons/bad/lesson.yaml:2:13: error: 'objectives' must be a list",
    ),
    "unknown-field": (
        "title: T\nqustions:\n  - prompt: Why?\n",
        "lessons/bad/lesson.yaml:2:1: error: unknown field 'qustions'; did you mean 'questions'?",
    ),
    "duplicate-reading-id": (
        GOOD_READING + "  - id: origins\n    text: Other.\ntitle: T\n",
        "lessons/bad/lesson.yaml:4:9: error: reading id 'origins' is used twice",
    ),
    "unknown-reading": (
        "title: T\n" + GOOD_READING + "questions:\n  - prompt: Why?\n    reading: orgins\n"
        "    answer: x\n",
        "lessons/bad/lesson.yaml:7:14: error: question q1 refers to reading 'orgins', which "
        "this lesson does not have; did you mean 'origins'?",
    ),
    "missing-reading-file": (
        "title: T\nreadings:\n  - id: a\n    file: readings/missing.md\n",
        "lessons/bad/lesson.yaml:4:11: error: reading file 'lessons/bad/readings/missing.md' "
        "does not exist",
    ),
    "impossible-date": (
        "title: T\ntimeline:\n  events:\n    - date: 1962-02-30\n      label: a\n"
        "    - date: 1962\n      label: b\n",
        "lessons/bad/lesson.yaml:4:13: error: date: '1962-02-30' is not a real date: "
        "February has 28 days",
    ),
    "unreadable-date": (
        "title: T\ntimeline:\n  events:\n    - date: Oct 1962\n      label: a\n"
        "    - date: 1962\n      label: b\n",
        "lessons/bad/lesson.yaml:4:13: error: date: 'Oct 1962' is not a date lessonpack can read",
    ),
    "yes-is-not-true": (
        "title: T\nreadings:\n  - id: a\n    text: x\n    line_numbers: yes\n",
        "lessons/bad/lesson.yaml:5:19: error: line_numbers: 'yes' is not a yes/no value "
        "lessonpack accepts: use true or false",
    ),
    "alias-refused": (
        "title: &t Cuba\nsubtitle: *t\n",
        "lessons/bad/lesson.yaml:1:8: error: anchors and aliases (&name, *name) are not allowed",
    ),
    "bad-kind": (
        "title: T\nquestions:\n  - prompt: Why?\n    kind: shrot\n    answer: x\n",
        "lessons/bad/lesson.yaml:4:11: error: 'kind' must be one of short, long, choice, "
        "truefalse, not 'shrot'; did you mean 'short'?",
    ),
    "duplicate-question-id": (
        "title: T\nquestions:\n  - prompt: A?\n    answer: x\n  - id: q1\n    prompt: B?\n"
        "    answer: y\n",
        "lessons/bad/lesson.yaml:5:9: error: question id 'q1' is used twice",
    ),
    "same-date-in-order-mode": (
        "title: T\ntimeline:\n  events:\n    - date: 1962-10-22\n      label: a\n"
        "    - date: 1962-10-22\n      label: b\n",
        "lessons/bad/lesson.yaml:6:13: error: two events share the date 22 October 1962",
    ),
    "empty-file": ("", "lessons/bad/lesson.yaml: error: the file is empty"),
    "object-tag": (
        "title: !!python/object/apply:os.system [echo hacked]\n",
        "lessons/bad/lesson.yaml:1:8: error: YAML tag 'tag:yaml.org,2002:python/object/apply:"
        "os.system' is not allowed; remove it",
    ),
    "two-documents": (
        "title: A\n---\ntitle: B\n",
        "lessons/bad/lesson.yaml:2:1: error: a lesson file holds one YAML document",
    ),
    "too-many-lines": (
        "title: T\nquestions:\n  - prompt: Why?\n    lines: 45\n    answer: x\n",
        "lessons/bad/lesson.yaml:4:12: error: 'lines' is 45; input should be less than or "
        "equal to 30",
    ),
}


@pytest.mark.parametrize("case", sorted(CASES))
@pytest.mark.parametrize("command", ["check", "build"])
def test_bad_input_gives_a_located_message_and_exit_1(case, command, write_lesson, cli):
    """Each case: exit 1 and `path:line:col: error: message` on stderr, nothing else."""
    yaml_text, expected = CASES[case]
    write_lesson("bad", yaml_text)
    result = cli(command)
    assert result.exit_code == 1, result.output
    assert expected in result.stderr
    assert "Traceback" not in result.output + result.stderr


def test_all_problems_of_all_lessons_are_listed(write_lesson, cli):
    write_lesson("one", "title: T\nqustions: []\nreadings:\n  - id: a\n    file: nope.md\n")
    write_lesson("two", "title: [a, b]\n")
    result = cli("check")
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert any(
        line.startswith("lessons/one/lesson.yaml:2:1: error: unknown field") for line in lines
    )
    assert any(
        line.startswith("lessons/one/lesson.yaml:5:11: error: reading file") for line in lines
    )
    assert any(
        line.startswith("lessons/two/lesson.yaml:1:8: error: 'title' must be text")
        for line in lines
    )


@pytest.mark.render
def test_missing_answer_is_a_warning_and_an_error_under_strict(write_lesson, cli):
    write_lesson("quiz", "title: T\nquestions:\n  - prompt: Why?\n")
    relaxed = cli("check")
    assert relaxed.exit_code == 0
    assert "lessons/quiz/lesson.yaml:3:5: warning: question q1 has no 'answer'" in relaxed.stderr
    strict = cli("check", "--strict")
    assert strict.exit_code == 1
    assert "lessons/quiz/lesson.yaml:3:5: error: question q1 has no 'answer'" in strict.stderr


@pytest.mark.render
def test_invalid_lesson_writes_nothing_and_keeps_earlier_pdfs(project, cli):
    assert cli("build", "--no-key").exit_code == 0
    student = project / "dist" / "cuban-missile-crisis" / "cuban-missile-crisis-student.pdf"
    before = student.read_bytes()
    stamp = student.stat().st_mtime_ns
    lesson_yaml = project / "lessons" / "cuban-missile-crisis" / "lesson.yaml"
    lesson_yaml.write_text(lesson_yaml.read_text() + "\nqustions: []\n")
    (project / "lessons" / "other").mkdir()
    (project / "lessons" / "other" / "lesson.yaml").write_text("title: Fine\n")
    result = cli("build")
    assert result.exit_code == 1
    assert "did you mean 'questions'?" in result.stderr
    assert "Nothing was written" in result.stderr
    assert student.read_bytes() == before and student.stat().st_mtime_ns == stamp
    assert not (project / "dist" / "other").exists()
    assert not (project / "dist" / "cuban-missile-crisis" / "cuban-missile-crisis-key.pdf").exists()
    assert not list((project / "dist").glob(".lessonpack-staging-*"))


def test_bad_folder_name_is_reported(tmp_path, monkeypatch, cli):
    folder = tmp_path / "lessons" / "My Lesson"
    folder.mkdir(parents=True)
    (folder / "lesson.yaml").write_text("title: T\n")
    monkeypatch.chdir(tmp_path)
    result = cli("check")
    assert result.exit_code == 1
    assert "folder name 'My Lesson' cannot be a lesson slug" in result.stderr
    assert "'my-lesson'" in result.stderr


def test_value_with_colon_gets_the_quoting_hint(write_lesson, cli):
    write_lesson("bad", "title: Cuba\nsubtitle: Thirteen days: October 1962\n")
    result = cli("check")
    assert "put the whole value in quotes" in result.stderr
