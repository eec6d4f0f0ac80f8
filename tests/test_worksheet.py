"""Question kinds and timeline modes: the key shows each solution, the student sheet none."""

from __future__ import annotations

import re

import pytest
from conftest import pdf_text

EVENTS = """\
timeline:
  mode: {mode}
  events:
    - date: 1957-10-04
      label: Sputnik is launched
    - date: 1959
      label: Castro takes power
    - date: 1961-04
      label: Bay of Pigs invasion
    - date: 44 BCE
      label: Caesar is killed
"""


@pytest.mark.parametrize("mode", ["order", "fill", "match"])
def test_timeline_modes_solution_only_in_the_key(mode, write_lesson, cli, tmp_path):
    write_lesson("tl", "title: Timeline\n" + EVENTS.format(mode=mode))
    assert cli("build").exit_code == 0
    student = pdf_text(tmp_path / "dist/tl/tl-student.pdf")
    key = pdf_text(tmp_path / "dist/tl/tl-key.pdf")
    dates = ["4 October 1957", "1959", "April 1961", "44 BCE"]
    for label in ("Sputnik is launched", "Castro takes power", "Caesar is killed"):
        assert label in student and label in key
    assert all(date in key for date in dates)
    if mode == "match":
        assert all(date in student for date in dates)  # the dates are the prompts
        # key: each date followed by the letter of its event
        letters = {
            m[0]: m[1]
            for m in re.findall(r"(\d+ BCE|April 1961|1959|4 October 1957) ([A-D])\b", key)
        }
        labels = "Sputnik is launched|Castro takes power|Bay of Pigs invasion|Caesar is killed"
        events = dict(re.findall(rf"([A-D]) ?({labels})", key))
        assert events[letters["44 BCE"]] == "Caesar is killed"
        assert events[letters["4 October 1957"]] == "Sputnik is launched"
    else:
        assert not any(date in student for date in dates)
    if mode == "fill":  # chronological: BCE first
        assert student.index("Caesar is killed") < student.index("Sputnik is launched")


def test_choice_and_truefalse_keys_mark_the_answer(write_lesson, cli, tmp_path):
    write_lesson(
        "kinds",
        """\
        title: Kinds
        questions:
          - prompt: Which came first?
            kind: choice
            choices: [Bay of Pigs, Sputnik, Hotline]
            answer: Sputnik
          - prompt: The hotline was agreed in 1963.
            kind: truefalse
            answer: true
        """,
    )
    assert cli("build").exit_code == 0
    student = pdf_text(tmp_path / "dist/kinds/kinds-student.pdf")
    key = pdf_text(tmp_path / "dist/kinds/kinds-key.pdf")
    assert "A Bay of Pigs" in student and "B Sputnik" in student and "C Hotline" in student
    assert "✓ correct" in key and "✓ correct" not in student
    assert "Sputnik ✓ correct" in key


def test_choice_answer_must_name_a_choice(write_lesson, cli):
    write_lesson(
        "kinds",
        """\
        title: Kinds
        questions:
          - prompt: Which came first?
            kind: choice
            choices: [Bay of Pigs, Sputnik]
            answer: E
        """,
    )
    result = cli("check")
    assert result.exit_code == 1
    assert (
        "lessons/kinds/lesson.yaml:6:13: error: the answer to question q1 must be one of "
        "its choices, written out or as a letter (A, B)"
    ) in result.stderr


def test_order_shuffle_is_reproducible_and_depends_on_the_seed():
    from conftest import SAMPLE

    from builder import load_lesson
    from builder.compose.assemble import assemble

    source, _ = load_lesson(SAMPLE)

    def order(seed: int) -> list[str]:
        return [event.label for event in assemble(source, seed=seed).timeline.events]

    assert order(1) == order(1)
    assert order(1) != order(2)
    assert sorted(order(1)) == sorted(order(2))


def test_long_timeline_is_drawn_in_parts_that_fit_the_page(write_lesson, cli, tmp_path):
    events = "".join(f"    - date: {1800 + i}\n      label: Event {i}\n" for i in range(60))
    write_lesson("long", f"title: Long\ntimeline:\n  mode: fill\n  events:\n{events}")
    result = cli("build", "--strict")  # nothing outside the page
    assert result.exit_code == 0, result.stderr
    key = pdf_text(tmp_path / "dist/long/long-key.pdf")
    assert "Event 59" in key
    from builder import load_lesson
    from builder.compose.assemble import assemble

    source, _ = load_lesson(tmp_path / "lessons" / "long")
    view = assemble(source).timeline
    assert len(view.drawing_key) == len(view.drawing_student) > 1
    assert "(part 1 of" in str(view.drawing_key[0])


def test_group_headings_print_once_per_group(write_lesson, cli, tmp_path):
    write_lesson(
        "groups",
        """\
        title: Groups
        questions:
          - {prompt: One, group: Sourcing, answer: a}
          - {prompt: Two, answer: b}
          - {prompt: Three, group: Sourcing, answer: c}
          - {prompt: Four, group: Corroboration, answer: d}
        """,
    )
    assert cli("build", "--no-key").exit_code == 0
    text = pdf_text(tmp_path / "dist/groups/groups-student.pdf")
    assert text.count("SOURCING") == 1 and text.count("CORROBORATION") == 1
    assert text.index("SOURCING") < text.index("One") < text.index("CORROBORATION")
