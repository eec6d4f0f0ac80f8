"""Fast tests of reading and loading a lesson (SPEC §2, §3): YAML read without type
guessing or anchors, every value's line and column kept, limits on size, nesting and list
lengths, and pydantic's validation errors turned into one teacher's sentence at the node
to edit. No PDF is rendered, so the mutation-testing run (pyproject.toml [tool.mutmut])
can afford them for every mutant of yamlfile.py, yaml_messages.py, models.py and load.py.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pydantic
import pytest
import yaml

from builder.project import yamlfile
from builder.project.dates import HistDate
from builder.project.files import project_root
from builder.project.lesson import load_lesson, problems_from_validation
from builder.project.models import Bundle, BundleLesson, Event, Reading, TimelineOverride
from builder.project.yaml_messages import explain
from builder.project.yamlfile import MAX_FILE_BYTES, read_yaml


def _read(tmp_path: Path, text: str | bytes):
    path = tmp_path / "lesson.yaml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode("utf-8"))
    return read_yaml(path, [tmp_path])


def _load(tmp_path: Path, text: str, slug: str = "cuba"):
    """load_lesson on `text` as lessons/<slug>/lesson.yaml in a project at tmp_path."""
    folder = tmp_path / "lessons" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lesson.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    return load_lesson(folder)


def _where(problems) -> list[tuple]:
    return [(p.line, p.col, p.severity, p.message) for p in problems]


def _errors(tmp_path: Path, text: str) -> list[tuple]:
    source, problems = _load(tmp_path, text)
    assert source is None
    return [(p.line, p.col, p.message) for p in problems if p.severity == "error"]


@pytest.fixture(params=["libyaml", "python"])
def parser(request, monkeypatch):
    """Both parsers lessonpack may read with must give the same data."""
    if request.param == "python":
        monkeypatch.setattr(yamlfile, "_Parser", yaml.BaseLoader)
    elif not hasattr(yaml, "CBaseLoader"):
        pytest.skip("PyYAML was built without libyaml")
    return request.param


# --- yamlfile.py: plain data, positions, refusals -----------------------------------------


def test_values_stay_text_without_type_guessing(tmp_path, parser):
    data, _, problems = _read(
        tmp_path, "title: yes\nsubtitle: 1962-10-22\ngrade: 9\nduration: ~\nsubject: null\n"
    )
    assert problems == []
    assert data == {
        "title": "yes",
        "subtitle": "1962-10-22",
        "grade": "9",
        "duration": "~",
        "subject": "null",
    }


def test_a_field_with_nothing_after_it_is_not_given(tmp_path, parser):
    """`subtitle:` left blank means "no subtitle" with either parser; `subtitle: ""` is an
    empty text, which the models refuse."""
    data, _, problems = _read(tmp_path, 'title: T\nsubtitle:\nsubject: ""\nobjectives:\n  -\n')
    assert problems == []
    assert data == {"title": "T", "subtitle": None, "subject": "", "objectives": [None]}


def test_a_blank_optional_field_loads(tmp_path):
    source, problems = _load(tmp_path, "title: T\nsubtitle:\n")
    assert problems == []
    assert source.lesson.subtitle is None


def test_positions_of_values_keys_and_nearest_ancestors(tmp_path):
    text = "title: T\nreadings:\n  - id: a\n    text: |\n      one\n    headnote: >\n      two\n"
    data, smap, problems = _read(tmp_path, text)
    assert problems == []
    assert data == {"title": "T", "readings": [{"id": "a", "text": "one\n", "headnote": "two\n"}]}
    assert smap.value(()) == (1, 1)
    assert smap.value(("title",)) == (1, 8)
    assert smap.key(("title",)) == (1, 1)
    assert smap.value(("readings",)) == (3, 3)
    assert smap.key(("readings",)) == (2, 1)
    assert smap.value(("readings", 0)) == (3, 5)
    assert smap.value(("readings", 0, "id")) == (3, 9)
    assert smap.key(("readings", 0, "id")) == (3, 5)
    assert smap.value(("readings", 0, "headnote")) == (6, 15)
    # a field that is not there: its nearest ancestor that is
    assert smap.value(("readings", 0, "title")) == (3, 5)
    assert smap.value(("timeline", "events", 3)) == (1, 1)
    assert smap.key(("readings", 0, "title")) == (3, 5)
    assert smap.key(("readings", 0)) == (3, 5)  # a list item has no key: its value
    # only `|` blocks count their text lines from the line below the field
    assert smap.literal == {("readings", 0, "text")}


def test_a_field_written_twice_is_an_error_at_the_second_and_the_first_is_kept(tmp_path):
    data, smap, problems = _read(tmp_path, "title: A\nsubtitle: x\n  \ntitle: B\n")
    assert _where(problems) == [
        (4, 1, "error", "field 'title' appears twice in the same place; keep one")
    ]
    assert data == {"title": "A", "subtitle": "x"}
    assert smap.key(("title",)) == (1, 1)


def test_a_field_name_that_is_not_text_is_an_error_at_the_name(tmp_path):
    data, _, problems = _read(tmp_path, "title: T\ntimeline:\n  [a, b]: c\n  mode: fill\n")
    assert _where(problems) == [(3, 3, "error", "a field name must be plain text")]
    assert data == {"title": "T", "timeline": {"mode": "fill"}}


def test_nesting_is_limited(tmp_path):
    """The root mapping and 31 lists inside each other are allowed; one more is refused at
    the list that goes too deep."""
    deep = "[" * 31 + "]" * 31
    data, _, problems = _read(tmp_path, f"title: {deep}\n")
    assert problems == []
    too_deep = "[" * 32 + "]" * 32
    data, _, problems = _read(tmp_path, f"title: {too_deep}\n")
    assert data is None
    assert _where(problems) == [(1, 39, "error", "nesting deeper than 32 levels is not allowed")]


def test_files_up_to_5_mb_are_read_and_larger_ones_refused(tmp_path):
    assert MAX_FILE_BYTES == 5 * 1024 * 1024
    head = "title: T\n# "
    exact = head + "x" * (MAX_FILE_BYTES - len(head) - 1) + "\n"
    data, _, problems = _read(tmp_path, exact)
    assert (data, problems) == ({"title": "T"}, [])
    data, _, problems = _read(tmp_path, exact + "\n")
    assert data is None
    assert _where(problems) == [(None, None, "error", "file is 5120 KB; the limit is 5 MB")]


def test_a_file_that_is_not_utf8_says_where_the_bad_byte_is(tmp_path):
    data, _, problems = _read(tmp_path, b"title: caf\xe9\n")
    assert data is None
    assert _where(problems) == [
        (
            None,
            None,
            "error",
            "not UTF-8 text (invalid continuation byte at byte 10); save the file as UTF-8",
        )
    ]


def test_a_file_that_cannot_be_read_gives_the_reason(tmp_path, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_text", refuse)
    data, _, problems = _read(tmp_path, "title: T\n")
    assert data is None
    assert _where(problems) == [(None, None, "error", "cannot read file: Permission denied")]


def test_a_lesson_file_linked_from_outside_the_project_is_refused(tmp_path):
    outside = tmp_path / "outside.yaml"
    outside.write_text("title: Secret\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "lesson.yaml").symlink_to(outside)
    data, _, problems = read_yaml(project / "lesson.yaml", [project])
    assert data is None
    assert len(problems) == 1 and problems[0].line is None
    assert "is outside the lesson project" in problems[0].message


def test_tags_other_than_plain_ones_are_errors_at_the_value(tmp_path, parser):
    data, _, problems = _read(
        tmp_path, "title: !!str T\nsubtitle: ! x\nsubject: !custom y\ngrade: !!int 9\n"
    )
    assert data == {"title": "T", "subtitle": "x", "subject": "y", "grade": "9"}
    assert _where(problems) == [
        (3, 10, "error", "YAML tag '!custom' is not allowed; remove it"),
        (4, 8, "error", "YAML tag 'tag:yaml.org,2002:int' is not allowed; remove it"),
    ]


ANCHOR = (
    "anchors and aliases (&name, *name) are not allowed in lessons; write the value out in full"
)


@pytest.mark.parametrize(
    ("text", "position"),
    [
        ("title: T\ntimeline: &t\n  title: x\n", (2, 11)),
        ("title: T\nobjectives: &o [a]\n", (2, 13)),
        ("title: T\nsubtitle: *t\n", (2, 11)),
    ],
    ids=["anchored-mapping", "anchored-list", "alias"],
)
def test_anchors_and_aliases_are_refused_where_written(text, position, tmp_path, parser):
    data, _, problems = _read(tmp_path, text)
    assert data is None
    assert _where(problems) == [(*position, "error", ANCHOR)]


@pytest.mark.parametrize(
    "text", ["", "\n\n", "# only a comment\n"], ids=["empty", "blank", "comment"]
)
def test_an_empty_file_says_so(text, tmp_path, parser):
    data, _, problems = _read(tmp_path, text)
    assert data is None
    assert _where(problems) == [(None, None, "error", "the file is empty")]


def test_a_lone_document_marker_is_not_an_empty_file(tmp_path):
    _, problems = _load(tmp_path, "---\n")
    assert [p.message for p in problems] == [
        "a lesson file must be a set of fields such as 'title: ...', one per line"
    ]


def test_a_second_document_is_refused_at_its_marker(tmp_path, parser):
    data, _, problems = _read(tmp_path, "title: A\n\n---\ntitle: B\n")
    assert data is None
    assert _where(problems) == [
        (3, 1, "error", "a lesson file holds one YAML document; remove the second '---'")
    ]


# --- load.py: the lesson as a whole -------------------------------------------------------


GOOD = """\
title: T
readings:
  - id: origins
    text: Some text.
questions:
  - prompt: First?
    answer: x
  - id: why
    prompt: Second?
    answer: y
  - prompt: Third?
    answer: z
"""


def test_a_valid_lesson_has_its_slug_paths_project_and_default_ids(tmp_path):
    source, problems = _load(tmp_path, GOOD)
    assert problems == []
    assert source.slug == "cuba"
    assert source.folder == (tmp_path / "lessons" / "cuba").resolve()
    assert source.yaml_path == (tmp_path / "lessons" / "cuba" / "lesson.yaml").resolve()
    assert source.yaml_path.is_absolute()
    assert source.root == tmp_path.resolve()
    assert source.question_ids == ["q1", "why", "q3"]
    assert source.reading_texts == {"origins": "Some text."}
    assert source.lesson.title == "T"


def test_the_project_is_the_folder_holding_lessons_else_the_lesson_folder(tmp_path):
    (tmp_path / "lessons" / "cuba").mkdir(parents=True)
    (tmp_path / "solo").mkdir()
    assert project_root(tmp_path / "lessons" / "cuba") == tmp_path.resolve()
    assert project_root(tmp_path / "solo") == (tmp_path / "solo").resolve()


def test_a_lesson_outside_a_lessons_folder_is_its_own_project(tmp_path):
    folder = tmp_path / "solo"
    folder.mkdir()
    (folder / "lesson.yaml").write_text("title: T\n")
    source, problems = load_lesson(folder)
    assert problems == []
    assert source.root == folder.resolve()


def test_warnings_alone_keep_the_lesson(tmp_path):
    source, problems = _load(tmp_path, "title: T\nquestions:\n  - prompt: Why?\n")
    assert source is not None
    assert _where(problems) == [
        (3, 5, "warning", "question q1 has no 'answer'; the key will leave it blank")
    ]


@pytest.mark.parametrize(
    ("slug", "suggestion"),
    [("My Lesson", "my-lesson"), ("--Cold_War--", "cold-war"), ("___", "my-lesson")],
)
def test_a_folder_name_that_is_not_a_slug_gets_one_suggested(slug, suggestion, tmp_path):
    source, problems = _load(tmp_path, "title: T\n", slug=slug)
    assert source is None
    assert _where(problems) == [
        (
            None,
            None,
            "error",
            f"folder name '{slug}' cannot be a lesson slug: use lowercase letters, digits "
            f"and hyphens (e.g. '{suggestion}')",
        )
    ]
    assert problems[0].path == tmp_path / "lessons" / slug


def test_yaml_problems_stop_the_load_and_keep_the_slug_problem(tmp_path):
    source, problems = _load(tmp_path, "title: T\nsubtitle: *x\nqustions: []\n", slug="Bad")
    assert source is None
    assert [p.message.split(":")[0] for p in problems] == [
        "folder name 'Bad' cannot be a lesson slug",
        "anchors and aliases (&name, *name) are not allowed in lessons; write the value out in "
        "full",
    ]


@pytest.mark.parametrize(
    ("text", "position"),
    [("- Explain\n- Compare\n", (1, 1)), ("\n\njust some text\n", (3, 1))],
    ids=["list", "text"],
)
def test_a_file_that_is_not_a_set_of_fields_says_so(text, position, tmp_path):
    assert _errors(tmp_path, text) == [
        (*position, "a lesson file must be a set of fields such as 'title: ...', one per line")
    ]


def _items(key: str, count: int, item: str) -> str:
    return f"{key}:\n" + "".join(item.format(n=n) for n in range(count))


QUESTION = "  - prompt: Question {n}?\n    answer: x\n"
READING = "  - id: r{n}\n    text: x\n"
EVENT = "    - date: 1{n:03}\n      label: Event {n}\n"


@pytest.mark.parametrize(
    ("key", "limit", "item", "indent"),
    [("questions", 500, QUESTION, ""), ("readings", 50, READING, "")],
)
def test_lists_up_to_their_limit_load(key, limit, item, indent, tmp_path):
    source, problems = _load(tmp_path, "title: T\n" + _items(key, limit, item))
    assert [p for p in problems if p.severity == "error"] == []
    assert len(getattr(source.lesson, key)) == limit


def test_timeline_events_up_to_their_limit_load(tmp_path):
    text = "title: T\ntimeline:\n  mode: fill\n  " + _items("events", 200, EVENT)
    source, problems = _load(tmp_path, text)
    assert problems == []
    assert len(source.lesson.timeline.events) == 200


@pytest.mark.parametrize(
    ("text", "message", "position"),
    [
        (_items("questions", 501, QUESTION), "'questions' has 501 items; at most 500", (3, 3)),
        (_items("readings", 51, READING), "'readings' has 51 items; at most 50", (3, 3)),
        (
            "timeline:\n  " + _items("events", 201, EVENT),
            "'events' has 201 items; at most 200",
            (4, 5),
        ),
    ],
    ids=["questions", "readings", "events"],
)
def test_a_list_over_its_limit_is_the_only_error_reported(text, message, position, tmp_path):
    """Stop at once: validating 10,000 questions would look like a hang, and the file is
    missing its title too (not reported until the list is cut)."""
    assert _errors(tmp_path, "subtitle: S\n" + text) == [(*position, f"{message} are allowed")]


def test_a_timeline_that_is_not_a_mapping_is_no_list_to_count(tmp_path):
    assert _errors(tmp_path, "title: T\ntimeline: [a, b]\n") == [
        (2, 11, "'timeline' must be a set of fields (name: value), not a list")
    ]


def test_problems_are_listed_in_the_order_of_the_file(tmp_path):
    text = """\
    title: T
    readings:
      - id: a
        text: x
        line_numbers: maybe
    questions:
      - prompt: Why?
        reading: b
        answer: x
      - prompt: How?
        points: lots
        answer: y
    qustions: []
    """
    assert [(line, col) for line, col, _ in _errors(tmp_path, text)] == [
        (5, 19),
        (8, 14),
        (11, 13),
        (13, 1),
    ]


# --- load.py: pydantic's errors as a teacher's sentences ----------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("subtitle: S\n", (1, 1, "missing required field 'title'")),
        (
            "title: T\nquestions:\n  - points: 2\n    answer: x\n",
            (3, 5, "missing required field 'prompt' (question 1)"),
        ),
        (
            "title: T\ntimeline:\n  events:\n    - label: a\n    - date: 1962\n      label: b\n",
            (4, 7, "missing required field 'date' (timeline event 1)"),
        ),
        (
            "title: T\nqustions: []\n",
            (2, 1, "unknown field 'qustions'; did you mean 'questions'?"),
        ),
        (
            "title: T\nreadings:\n  - id: a\n    text: x\n    glossary:\n"
            "      - term: a\n        meaning: b\n        meening: c\n",
            (
                8,
                9,
                "unknown field 'meening' (reading 1, glossary entry 1); did you mean 'meaning'?",
            ),
        ),
        (
            "title: T\ntimeline:\n  events:\n    - date: 1962\n      label: a\n      txt: x\n"
            "    - date: 1963\n      label: b\n",
            (6, 7, "unknown field 'txt' (timeline event 1); did you mean 'text'?"),
        ),
        (
            "title: T\nquestions:\n  - prompt: x\n    answer: y\n    rubric:\n"
            "      - points: 1\n        descriptor: d\n        lable: x\n",
            (8, 9, "unknown field 'lable' (question 1, rubric 1); did you mean 'label'?"),
        ),
        (
            "title: T\nreadings:\n  - id: a\n    text: x\n    images:\n"
            "      - file: a.png\n        alt: A map\n        credit: x\n        size: big\n",
            (
                9,
                9,
                "unknown field 'size' (reading 1, images 1); fields allowed here: file, alt, "
                "caption, credit",
            ),
        ),
        (
            "title: T\ncolour: red\n",
            (
                2,
                1,
                "unknown field 'colour'; fields allowed here: title, subtitle, subject, grade, "
                "duration, language, central_question, objectives, readings, questions, "
                "timeline, organizers, page_break_before",
            ),
        ),
    ],
    ids=[
        "missing-title",
        "missing-prompt",
        "missing-date",
        "typo-top",
        "typo-glossary",
        "typo-event",
        "typo-rubric",
        "unknown-image-field",
        "unknown-top-field",
    ],
)
def test_missing_and_unknown_fields(text, expected, tmp_path):
    """A missing field points at the mapping that lacks it; an unknown one at its name,
    with the intended field suggested or, failing that, the fields allowed there."""
    assert _errors(tmp_path, text) == [expected]


Q = "title: T\nquestions:\n  - prompt: Why?\n    answer: x\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (Q + "    points: two\n", (5, 13, "'points' must be a whole number, not 'two'")),
        (Q + "    points: 1.5\n", (5, 13, "'points' must be a whole number, not '1.5'")),
        (
            Q + "    points: -1\n",
            (5, 13, "'points' is -1; input should be greater than or equal to 0"),
        ),
        (
            Q + "    lines: 31\n",
            (5, 12, "'lines' is 31; input should be less than or equal to 30"),
        ),
        (
            Q + "    kind: choice\n    choices: [a, b, c, d, e, f, g, h, i]\n",
            (6, 14, "'choices' has 9 items; at most 8 are allowed"),
        ),
        (
            Q + "    kind: choice\n    choices: [a]\n",
            (6, 14, "'choices' has 1 item; at least 2 are needed"),
        ),
        (Q + "    rubric: []\n", (5, 13, "'rubric' has 0 items; at least 1 are needed")),
        (
            Q + "    kind: shrot\n",
            (
                5,
                11,
                "'kind' must be one of short, long, choice, truefalse, not 'shrot'; "
                "did you mean 'short'?",
            ),
        ),
        (
            Q + "    tier: this is a very long tier name that goes on and on\n",
            (
                5,
                11,
                "'tier' must be one of core, extension, not "
                "'this is a very long tier name that go...'",
            ),
        ),
        (Q + "    group: ''\n", (5, 12, "'group' is empty (question 1)")),
        (
            "title: T\nobjectives:\n  - Explain\n  - ''\n",
            (4, 5, "'objectives' is empty (objective 2)"),
        ),
        (
            Q + "    id: bad id\n",
            (5, 9, "'bad id' is not a valid id: use letters, digits, '-' and '_' (no spaces)"),
        ),
        (
            "title: T\nlanguage: english language\n",
            (2, 11, "'english language' is not a language code such as en, es or fr-CA"),
        ),
        (
            "title: T\nquestions:\n  - prompt: [a, b]\n    answer: x\n",
            (3, 13, "'prompt' must be text, not a list (question 1)"),
        ),
        (
            "title: T\nreadings:\n  - id: a\n    text: {x: y}\n",
            (4, 11, "'text' must be text, not a set of fields (reading 1)"),
        ),
        (
            "title: T\nreadings:\n  - id: a\n    text: x\n    glossary:\n      - term:\n"
            "        meaning: m\n",
            (6, 14, "'term' must be text, not empty (reading 1, glossary entry 1)"),
        ),
        (
            "title: T\nquestions:\n  - prompt: Why?\n    answer: {a: b}\n",
            (4, 13, "'answer' must be text, not a set of fields (question 1)"),
        ),
        (
            "title: T\nobjectives: Explain the crisis\n",
            (
                2,
                13,
                "'objectives' must be a list (one '- ' item per line), not 'Explain the crisis'",
            ),
        ),
        (
            "title: T\ntimeline:\n  events: {a: b}\n",
            (3, 11, "'events' must be a list (one '- ' item per line), not a set of fields"),
        ),
        (
            "title: T\ntimeline: Thirteen days\n",
            (2, 11, "'timeline' must be a set of fields (name: value), not 'Thirteen days'"),
        ),
        (
            "title: T\nreadings:\n  - just an id\n",
            (3, 5, "'readings' must be a set of fields (name: value), not 'just an id'"),
        ),
        (
            "title: T\nreadings:\n  - id: " + "a" * 65 + "\n    text: x\n",
            (3, 9, "'id': String should have at most 64 characters (reading 1)"),
        ),
        (
            "title: T\ntimeline:\n  events:\n    - date: [1962]\n      label: a\n"
            "    - date: 1963\n      label: b\n",
            (4, 13, "date: a date must be written as text such as 1962-10-22"),
        ),
        (
            "title: T\nreadings:\n  - id: a\n    text: x\n    line_numbers: yes\n",
            (
                5,
                19,
                "line_numbers: 'yes' is not a yes/no value lessonpack accepts: use true or false",
            ),
        ),
    ],
    ids=[
        "not-a-number",
        "not-whole",
        "below-minimum",
        "above-maximum",
        "too-many-choices",
        "one-choice",
        "empty-rubric",
        "bad-kind",
        "long-bad-tier",
        "empty-group",
        "empty-objective",
        "bad-id",
        "bad-language",
        "list-for-text",
        "fields-for-text",
        "nothing-for-text",
        "fields-for-answer",
        "text-for-list",
        "fields-for-list",
        "text-for-fields",
        "text-for-list-item",
        "id-too-long",
        "date-not-text",
        "yes-for-bool",
    ],
)
def test_wrong_values_get_one_sentence_at_the_value(text, expected, tmp_path):
    assert _errors(tmp_path, text) == [expected]


def test_true_and_false_are_read_in_any_case(tmp_path):
    text = (
        "title: T\nreadings:\n  - id: a\n    text: x\n    line_numbers: True\n"
        "    show_original: FALSE\n    original: y\n"
    )
    source, problems = _load(tmp_path, text)
    assert problems == []
    assert source.lesson.readings[0].line_numbers is True
    assert source.lesson.readings[0].show_original is False


def test_models_built_in_code_take_python_values():
    """Maintainers build models from Python values too: real booleans and dates pass."""
    reading = Reading(id="a", text="x", line_numbers=True, show_original=False)
    assert (reading.line_numbers, reading.show_original) == (True, False)
    date = HistDate.parse("1962-10-22")
    assert Event(date=date, label="Speech").date is date


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("false", False),
        ("False", False),
        ("true", True),
        ("TRUE", True),
        ({"mode": "fill"}, TimelineOverride(mode="fill")),
    ],
)
def test_a_bundle_entry_timeline_is_true_false_or_an_override(value, expected):
    assert BundleLesson(lesson="cuba", timeline=value).timeline == expected


def test_a_bundle_entry_may_be_just_a_slug():
    bundle = Bundle.model_validate({"title": "Week 3", "lessons": ["cuba", {"lesson": "rome"}]})
    assert [entry.lesson for entry in bundle.lessons] == ["cuba", "rome"]
    assert bundle.lessons[0].timeline is True


def _bundle_messages(tmp_path: Path, text: str) -> list[tuple]:
    path = tmp_path / "week.bundle.yaml"
    path.write_text(text)
    data, smap, problems = read_yaml(path, [tmp_path])
    assert problems == []
    with pytest.raises(pydantic.ValidationError) as caught:
        Bundle.model_validate(data)
    problems = problems_from_validation(caught.value, smap, path, Bundle)
    return sorted((p.line, p.col, p.message) for p in problems)


def test_bundle_errors_name_the_field_the_teacher_wrote(tmp_path):
    text = (
        "title: W\nversions: 0\nduplex: yes\nclas: P2\nlessons:\n  - lesson: cuba\n"
        "    timeline: maybe\n"
    )
    assert _bundle_messages(tmp_path, text) == [
        (2, 11, "'versions' is 0; input should be greater than or equal to 1"),
        (3, 9, "duplex: 'yes' is not a yes/no value lessonpack accepts: use true or false"),
        (4, 1, "unknown field 'clas'; did you mean 'class'?"),
        (7, 15, f"timeline: 'maybe' {NOT_A_TIMELINE_SETTING}"),
    ]


NOT_A_TIMELINE_SETTING = (
    "is not a timeline setting lessonpack accepts: use true, false, or a mode such as {mode: fill}"
)


@pytest.mark.parametrize(
    ("written", "shown"),
    [("yes", "'yes'"), ('"on"', "'on'"), ("1", "'1'"), ("[fill]", "a list")],
)
def test_a_bundle_timeline_is_refused_unless_true_false_or_a_mode(tmp_path, written, shown):
    """As strict as duplex and the other yes/no fields: yes, on and 1 are refused."""
    text = f"title: W\nlessons:\n  - lesson: cuba\n    timeline: {written}\n"
    assert _bundle_messages(tmp_path, text) == [
        (4, 15, f"timeline: {shown} {NOT_A_TIMELINE_SETTING}")
    ]


# --- yaml_messages.py: exact sentences at the line to edit --------------------------------

CONTROL = (
    "the file contains an invisible control character (U+0007) that YAML does not allow; "
    "delete it (it often comes with text pasted from another program)"
)
INDENTED = (
    "this line is indented differently from the lines above it: items of one list (or fields "
    "of one section) must start at the same column"
)
DOTS = "'...' on a line of its own ends the file's data early; remove it"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("title: T\n...\nsubtitle: x\n...\n", (2, 1, DOTS)),
        ("title: T\n...\n# a note\nsubtitle: x\n", (2, 1, DOTS)),
        ("title: T\n... \nsubtitle: x\n", (2, 1, DOTS)),
        (
            "%YAML 1.1\ntitle: T\n",
            (
                1,
                1,
                "a line that starts with '%' is a YAML directive; remove the line, or put its "
                "text in double quotes",
            ),
        ),
        ("\ufefftitle: a\x07b\n", (1, 9, CONTROL)),
        ("title: a\x07b\nsubtitle: c\x07\n", (1, 9, CONTROL)),
        ("\x07title: T\n", (1, 1, CONTROL)),
        (
            "title: T\nsubtitle:x\n",
            (2, 9, "put a space after the ':' of 'subtitle:'; YAML needs 'name: value'"),
        ),
        ("title: T\nsubtitle: {a}}\n", (2, 14, "there is one '}' too many here; remove it")),
        (
            "title: T\nsubtitle: {Draft} two\n",
            (
                2,
                19,
                "there is text after the closing '}'; if the value is text, put all of it in "
                'double quotes: subtitle: "{Draft} two"',
            ),
        ),
        ("title: T\n: x\n", (2, 1, "this line starts with ':'; write the field's name before it")),
        ("objectives:\n  - a\n\n- b\n", (4, 1, INDENTED)),
        ("objectives:\n  - a\n# a note\n- b\n", (4, 1, INDENTED)),
        (
            "objectives:\n  - a\nsubtitle: x\n- Explain\n",
            (
                4,
                1,
                "this list item ('- ') is not under a field: indent it below the field it "
                "belongs to (such as 'objectives:')",
            ),
        ),
        (
            "title: T\nreadings:\n  - id: a\n    text: x\n  subtitle: y\n",
            (
                5,
                3,
                "this line lines up with the '- ' of the list item on line 3 but does not start "
                "with '- ': to add a field to that item, indent it like the item's other fields; "
                "to start a new item, begin it with '- '",
            ),
        ),
    ],
    ids=[
        "dots-with-dots-below",
        "dots-above-a-comment",
        "dots-and-a-space",
        "directive",
        "control-after-bom",
        "first-control-character",
        "control-character-first",
        "no-space-after-colon-in-a-key",
        "brace-too-many",
        "text-after-brace",
        "line-starts-with-colon",
        "list-item-below-a-blank-line",
        "list-item-below-a-comment",
        "list-item-below-a-field",
        "field-at-the-dash-column",
    ],
)
def test_syntax_mistakes_get_their_sentence_at_the_line_to_edit(text, expected, tmp_path, parser):
    data, _, problems = _read(tmp_path, text)
    assert data is None
    assert [(p.line, p.col, p.message) for p in problems] == [expected]


def test_a_later_mistake_is_not_blamed_on_a_directive_above_it(tmp_path, parser):
    _, _, problems = _read(tmp_path, "%TAG ! tag:example.com,2000:\n---\ntitle: !<>\n")
    assert [(p.line, p.col) for p in problems] == [(3, 10)]
    assert problems[0].message.startswith("YAML syntax error: ")
    assert "directive" not in problems[0].message


def test_an_unknown_mistake_without_words_or_context_still_reads_well():
    mark = yaml.Mark("<unicode string>", 0, 0, 2, None, None)
    exc = yaml.MarkedYAMLError(None, None, None, mark)
    assert explain(exc, "a: b\n", yaml.BaseLoader) == ("YAML syntax error: invalid YAML", 1, 3)
    exc = yaml.MarkedYAMLError(None, None, "found a surprise", mark)
    assert explain(exc, "a: b\n", yaml.BaseLoader) == ("YAML syntax error: found a surprise", 1, 3)


COLON = "a ': ' inside a value ends the key; put the whole value in quotes: "


@pytest.mark.parametrize(
    ("text", "fix"),
    [
        (
            "title: T\nsubtitle: Thirteen days: a very long text that goes on and on and on\n",
            'subtitle: "Thirteen days: a very long text that ..."',
        ),
        (
            'title: T\nsubtitle: He said "it\'s": over  # a note\n',
            "subtitle: 'He said \"it''s\": over'",
        ),
        ("title: T\nsubtitle: C:\\dir: x\n", "subtitle: 'C:\\dir: x'"),
        ("title: T\nSubtitle: A: b\n", 'Subtitle: "A: b"'),
        ("title: T\nobjectives:\n  - note: a: b\n", '- note: "a: b"'),
    ],
    ids=["long-value", "quotes-and-comment", "backslash", "capitalised-field", "item-with-field"],
)
def test_the_quoting_fix_shows_the_value_quoted(text, fix, tmp_path):
    _, _, problems = _read(tmp_path, text)
    assert [p.message for p in problems] == [COLON + fix]


def test_an_unknown_field_named_like_a_model_or_type_is_still_named(tmp_path):
    assert [
        message.split(";")[0] for _, _, message in _errors(tmp_path, "title: T\nEvent: x\nstr: y\n")
    ] == [
        "unknown field 'Event'",
        "unknown field 'str'",
    ]


def test_an_empty_choice_is_named_by_its_number(tmp_path):
    text = "title: T\nquestions:\n  - prompt: Which?\n    kind: choice\n    choices: [a, '']\n"
    assert _errors(tmp_path, text + "    answer: a\n") == [
        (5, 18, "'choices' is empty (question 1, choice 2)")
    ]


# --- sentences the mutation run found unchecked (issue 12) --------------------------------

EVENTS = "  events:\n    - date: '1962'\n      label: a\n    - date: '1963'\n      label: b\n"


def test_an_unknown_field_in_a_section_lists_that_sections_fields(tmp_path):
    text = "title: T\ntimeline:\n  qqq: x\n" + EVENTS
    assert _errors(tmp_path, text) == [
        (
            3,
            3,
            "unknown field 'qqq'; fields allowed here: title, instructions, mode, points, events",
        )
    ]


def test_a_list_where_a_whole_number_belongs_is_named(tmp_path):
    errors = _errors(tmp_path, "title: T\nquestions:\n  - prompt: P\n    lines: [1, 2]\n")
    assert [(line, col) for line, col, _ in errors] == [(4, 12)]
    assert errors[0][2] == "'lines' must be a whole number, not a list"


@pytest.mark.parametrize(
    ("written", "message"),
    [
        (
            "    kind: {a: b}\n",
            "'kind' must be one of short, long, choice, truefalse, not a set of fields",
        ),
        ("    points: [2]\n", "'points' must be a whole number, not a list"),
    ],
)
def test_a_list_or_fields_where_one_value_belongs_is_named_in_words(tmp_path, written, message):
    errors = _errors(tmp_path, "title: T\nquestions:\n  - prompt: P\n" + written)
    assert [text for _, _, text in errors] == [message]


def test_a_kind_half_like_an_allowed_one_gets_a_suggestion(tmp_path):
    text = "title: T\nquestions:\n  - prompt: P\n    kind: multiple choice\n"
    assert _errors(tmp_path, text) == [
        (
            4,
            11,
            "'kind' must be one of short, long, choice, truefalse, not 'multiple choice'; "
            "did you mean 'choice'?",
        )
    ]


FORTY = "an answer of two or three full sentences"  # 40 characters: shown whole
FORTY_ONE = "an answer of two or three whole sentences"  # 41: cut to 37 and '...'


@pytest.mark.parametrize(
    ("kind", "shown"),
    [(FORTY, FORTY), (FORTY_ONE, FORTY_ONE[:37] + "...")],
    ids=["40-shown-whole", "41-cut"],
)
def test_a_wrong_value_is_shown_whole_up_to_40_characters(kind, shown, tmp_path):
    assert (len(FORTY), len(FORTY_ONE)) == (40, 41)
    text = f"title: T\nquestions:\n  - prompt: P\n    kind: {kind}\n"
    assert _errors(tmp_path, text) == [
        (4, 11, f"'kind' must be one of short, long, choice, truefalse, not '{shown}'")
    ]


def test_a_list_over_its_limit_names_the_lesson_file(tmp_path):
    source, problems = _load(tmp_path, "title: T\n" + _items("readings", 51, READING))
    assert source is None
    assert [(p.path, p.line, p.col) for p in problems] == [
        (tmp_path / "lessons" / "cuba" / "lesson.yaml", 3, 3)
    ]


def test_problems_are_listed_file_by_file_then_by_line(tmp_path):
    """lesson.yaml's warning at line 6 comes before z.md's at line 1: one file at a time."""
    folder = tmp_path / "lessons" / "cuba"
    folder.mkdir(parents=True)
    (folder / "z.md").write_text("[notes](notes.txt)\n", encoding="utf-8")
    text = (
        "title: T\nreadings:\n  - id: a\n    file: z.md\n"
        "  - id: b\n    text: See [notes](notes.txt).\n"
    )
    source, problems = _load(tmp_path, text)
    assert source is not None  # warnings alone keep the lesson
    assert [(p.path.name, p.line, p.col, p.severity) for p in problems] == [
        ("lesson.yaml", 6, 11, "warning"),
        ("z.md", 1, 9, "warning"),
    ]


def test_validation_errors_keep_the_slug_problem(tmp_path):
    source, problems = _load(tmp_path, "title: T\nqustions: []\n", slug="Bad")
    assert source is None
    assert [(p.line, p.col, p.message.split(" cannot")[0].split(";")[0]) for p in problems] == [
        (None, None, "folder name 'Bad'"),
        (2, 1, "unknown field 'qustions'"),
    ]
