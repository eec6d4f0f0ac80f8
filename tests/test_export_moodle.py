"""Moodle XML export (SPEC §7): the file parses, has one category per lesson and the
questions in Moodle's own element names and order, with points as `defaultgrade`, the
right answers scoring 100, model answers, look-fors and rubrics only in the teacher-only
`graderinfo`, images embedded and referenced, every script gone, Cyrillic and Arabic
intact, and the same bytes on every export."""

from __future__ import annotations

import base64
import html
import re
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest
from conftest import SAMPLE, lesson_view, write_png

from builder import load_lesson
from builder.export.moodle import moodle_xml
from builder.export.quiz import quiz

# What `writequestion` in Moodle's question/format/xml/format.php writes first for
# every question, in this order (import_headers reads them).
HEAD = ["name", "questiontext", "generalfeedback", "defaultgrade", "penalty", "hidden", "idnumber"]
MOODLE_TYPE = {
    "text": "description",
    "choice": "multichoice",
    "truefalse": "truefalse",
    "essay": "essay",
    "matching": "matching",
}


def quiz_of(folder: Path, feedback: bool = True):
    source, _ = load_lesson(folder)
    return quiz(lesson_view(source), source.folder, feedback=feedback)


def parse(data: bytes) -> ET.Element:
    assert data.startswith(b'<?xml version="1.0" encoding="UTF-8"?>\n<quiz>')
    root = ET.fromstring(data)
    assert root.tag == "quiz"
    return root


def questions(root: ET.Element) -> list[ET.Element]:
    return [q for q in root.findall("question") if q.get("type") != "category"]


def text_of(question: ET.Element, path: str) -> str:
    return question.findtext(f"{path}/text") or ""


def seen(markup: str) -> str:
    """What a reader sees of an HTML fragment: no tags, entities read, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", markup)).split())


@pytest.fixture(scope="module")
def sample_quiz():
    return quiz_of(SAMPLE)


@pytest.fixture(scope="module")
def sample_root(sample_quiz):
    return parse(moodle_xml([sample_quiz]))


def test_one_category_named_after_the_lesson_then_its_items_in_order(sample_quiz, sample_root):
    category, *rest = sample_root.findall("question")
    assert category.get("type") == "category"
    assert text_of(category, "category") == "$course$/top/Origins of the Cuban Missile Crisis"
    assert category.find("info").get("format") == "html"
    assert category.findtext("idnumber")
    assert [q.get("type") for q in rest] == [MOODLE_TYPE[i.kind] for i in sample_quiz.items]
    assert [q.findtext("idnumber") for q in rest] == [i.ident for i in sample_quiz.items]
    assert [text_of(q, "name") for q in rest] == [i.title for i in sample_quiz.items]
    assert {q.get("type") for q in rest} >= {"description", "multichoice", "essay", "matching"}


def test_every_question_starts_with_the_headers_moodle_writes(sample_root):
    for question in questions(sample_root):
        assert [child.tag for child in question][: len(HEAD)] == HEAD
        assert question.find("questiontext").get("format") == "html"
        assert question.findtext("hidden") == "0"
        assert text_of(question, "generalfeedback") == ""  # students see general feedback


def test_points_become_defaultgrade(sample_quiz, sample_root):
    grades = [int(q.findtext("defaultgrade")) for q in questions(sample_root)]
    assert grades == [i.points for i in sample_quiz.items]
    assert sum(grades) == sample_quiz.points == 49
    for question in questions(sample_root):
        if question.get("type") == "description":
            assert question.findtext("defaultgrade") == "0"


def test_the_right_choice_scores_100_and_the_others_0(sample_quiz, sample_root):
    (item,) = [i for i in sample_quiz.items if i.kind == "choice"]
    (question,) = [q for q in questions(sample_root) if q.get("type") == "multichoice"]
    assert question.findtext("single") == "true"
    assert question.findtext("shuffleanswers") in ("true", "1")
    assert question.findtext("answernumbering") == "abc"
    answers = question.findall("answer")
    assert [a.get("fraction") for a in answers] == [
        "100" if c.correct else "0" for c in item.choices
    ]
    right = [seen(text_of(a, ".")) for a in answers if a.get("fraction") == "100"]
    assert right == ["Not invade Cuba, and remove its Jupiter missiles from Turkey"]


def test_the_timeline_is_a_matching_question_with_its_pairs(sample_quiz, sample_root):
    (item,) = [i for i in sample_quiz.items if i.kind == "matching"]
    (question,) = [q for q in questions(sample_root) if q.get("type") == "matching"]
    assert question.findtext("shuffleanswers") in ("true", "1")
    rows = question.findall("subquestion")
    assert len(rows) == 10
    assert [(seen(text_of(r, ".")), r.findtext("answer/text")) for r in rows] == list(item.pairs)
    assert {r.findtext("answer/text") for r in rows} == {str(n) for n in range(1, 11)}


def test_model_answers_look_fors_and_rubrics_only_in_graderinfo(sample_quiz, sample_root):
    essays = [q for q in questions(sample_root) if q.get("type") == "essay"]
    assert len(essays) == 12  # nine questions less the choice, and four organizers
    student_sees = " ".join(
        seen(text_of(q, "questiontext")) + " " + seen(text_of(q, "generalfeedback"))
        for q in questions(sample_root)
    )
    for question in essays:
        assert question.find("graderinfo").get("format") == "html"
        assert question.findtext("responseformat") == "editor"
        assert question.findtext("responserequired") == "1"
        assert question.findtext("attachments") == "0"
        assert int(question.findtext("responsefieldlines")) > 0
    extended = next(q for q in essays if text_of(q, "name").endswith("Question 9"))
    grader = seen(text_of(extended, "graderinfo"))
    for secret in (
        "Thorough",  # a rubric level
        "A restatement of the question or a summary without a claim.",  # its descriptor
        "Organized paragraph that cites documents by letter",  # a look-for
    ):
        assert secret in grader
        assert secret not in student_sees
    for item in sample_quiz.items:
        if item.feedback:
            assert seen(item.feedback) not in student_sees


def test_without_feedback_graderinfo_is_empty():
    root = parse(moodle_xml([quiz_of(SAMPLE, feedback=False)]))
    essays = [q for q in questions(root) if q.get("type") == "essay"]
    assert essays
    assert all(text_of(q, "graderinfo") == "" for q in essays)


def test_same_input_same_bytes(sample_quiz):
    assert moodle_xml([sample_quiz]) == moodle_xml([sample_quiz])
    assert moodle_xml([sample_quiz]) == moodle_xml([quiz_of(SAMPLE)])


SMALL = """\
title: {title}
language: {language}
readings:
  - id: text
    title: {reading}
    source: Written for the tests
    text: |
      {text}
{images}questions:
  - id: q1
    reading: text
    prompt: {prompt}
    answer: {answer}
    points: 2
  - id: q2
    prompt: The treaty was signed in 1963.
    kind: truefalse
    answer: true
    points: 1
  - id: q3
    prompt: The hotline was agreed after the crisis.
    kind: truefalse
    answer: false
timeline:
  title: Two events
  mode: fill
  events:
    - date: "1962"
      label: The crisis
    - date: "1963"
      label: The hotline
"""


def small(write_lesson, slug: str, **values: str) -> Path:
    fields = dict(
        title="A small lesson",
        language="en",
        reading="The text",
        text="The crisis ended in 1962.",
        images="",
        prompt="When did the crisis end?",
        answer="In October 1962.",
    )
    return write_lesson(slug, SMALL.format(**{**fields, **values}))


def test_two_lessons_two_categories_in_order(write_lesson, sample_quiz):
    other = quiz_of(small(write_lesson, "small", title="Second / last lesson"))
    root = parse(moodle_xml([sample_quiz, other]))
    types = [q.get("type") for q in root.findall("question")]
    first, second = (i for i, t in enumerate(types) if t == "category")
    assert first == 0 and second == 1 + len(sample_quiz.items)
    assert len(types) == 2 + len(sample_quiz.items) + len(other.items)
    paths = [text_of(q, "category") for q in root.findall("question[@type='category']")]
    # A slash inside a name is doubled, as Moodle's assemble_category_path writes it.
    assert paths == [
        "$course$/top/Origins of the Cuban Missile Crisis",
        "$course$/top/Second // last lesson",
    ]
    ids = [q.findtext("idnumber") for q in root.findall("question[@type='category']")]
    assert len(set(ids)) == 2
    assert [q.findtext("idnumber") for q in questions(root)][-len(other.items) :] == [
        i.ident for i in other.items
    ]


def test_true_false_answers_and_a_timeline_moodle_cannot_match(write_lesson):
    lesson = quiz_of(small(write_lesson, "small"))
    warnings = []
    root = parse(moodle_xml([lesson], lambda q, item, message: warnings.append((item, message))))
    statements = [q for q in questions(root) if q.get("type") == "truefalse"]
    assert [
        [(a.findtext("text"), a.get("fraction")) for a in q.findall("answer")] for q in statements
    ] == [
        [("true", "100"), ("false", "0")],
        [("true", "0"), ("false", "100")],
    ]
    assert [q.findtext("defaultgrade") for q in statements] == ["1", "1"]
    # Two events: Moodle's matching needs 2 questions and 3 answers, so an essay with a
    # warning naming the timeline; the key goes to the grader only.
    ((item, message),) = warnings
    assert item.source == "the timeline" and "3 pairs" in message
    timeline = questions(root)[-1]
    assert timeline.get("type") == "essay"
    assert text_of(timeline, "name") == "Two events"
    assert timeline.findtext("defaultgrade") == "2"
    asked = seen(text_of(timeline, "questiontext"))
    assert "The crisis" in asked and "The hotline" in asked and "1962" in asked
    assert "The crisis 1962" in seen(text_of(timeline, "graderinfo"))
    assert "The crisis 1962" not in asked


def test_images_are_embedded_and_the_html_points_at_them(write_lesson):
    folder = small(
        write_lesson,
        "pictures",
        images="    images:\n      - file: maps/map.png\n        alt: A map of Cuba\n",
    )
    (folder / "maps").mkdir()
    write_png(folder / "maps" / "map.png", 30, 10)
    lesson = quiz_of(folder)
    (image,) = lesson.items[0].images
    root = parse(moodle_xml([lesson]))
    document = questions(root)[0]
    (file,) = document.findall("questiontext/file")
    name = image.name.rsplit("/", 1)[-1]
    assert file.get("name") == name and file.get("path") == "/"
    assert file.get("encoding") == "base64"
    assert base64.b64decode(file.text) == (folder / "maps" / "map.png").read_bytes()
    shown = text_of(document, "questiontext")
    assert f'src="@@PLUGINFILE@@/{name}"' in shown
    assert 'alt="A map of Cuba"' in shown
    assert image.name not in shown  # no path Moodle cannot serve


def test_cyrillic_and_arabic_survive_and_the_language_is_marked(write_lesson):
    folder = small(
        write_lesson,
        "languages",
        title="Карибский кризис",
        language="ar",
        reading="أزمة الصواريخ الكوبية",
        text="Хрущёв и Кеннеди. انتهت الأزمة في أكتوبر ١٩٦٢.",
        prompt="متى انتهت الأزمة؟",
        answer="Осенью 1962 года.",
    )
    data = moodle_xml([quiz_of(folder)])
    root = parse(data)
    assert "Карибский кризис" in data.decode("utf-8")
    assert text_of(root.find("question"), "category") == "$course$/top/Карибский кризис"
    document, question = questions(root)[:2]
    assert "Хрущёв и Кеннеди. انتهت الأزمة في أكتوبر ١٩٦٢." in seen(
        text_of(document, "questiontext")
    )
    assert text_of(document, "name") == "Document A: أزمة الصواريخ الكوبية"
    assert "متى انتهت الأزمة؟" in seen(text_of(question, "questiontext"))
    assert "Осенью 1962 года." in seen(text_of(question, "graderinfo"))
    # Moodle XML has no xml:lang: the HTML carries the language and the direction.
    for shown in (text_of(document, "questiontext"), text_of(question, "graderinfo")):
        assert shown.startswith('<div lang="ar" dir="rtl">')


HOSTILE = """\
title: Hostile <script>alert(1)</script>
readings:
  - id: a
    title: A reading <svg onload=alert(1)>
    headnote: "<b onmouseover=alert(1)>head</b> [x](javascript:alert(1))"
    text: |
      Hello <script>alert(1)</script> and <img src=x onerror="alert(1)">.

      [click](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)">x</a>
      <iframe srcdoc="<script>alert(1)</script>"></iframe> ]]> <![CDATA[ x ]]>
questions:
  - prompt: "Why <script>alert(1)</script> <a href='javascript:alert(1)'>x</a>?"
    reading: a
    answer: "<img src=x onerror=alert(1)> because [a](javascript:alert(1))"
  - prompt: Pick one.
    kind: choice
    choices: ["<b onclick=alert(1)>A</b>", "[B](javascript:alert(1))"]
    answer: A
timeline:
  title: T <script>alert(1)</script>
  events:
    - date: 1962
      label: "<img src=x onerror=alert(1)>"
    - date: 1963
      label: two
    - date: 1964
      label: three & four
"""


class Tags(HTMLParser):
    """Every tag and attribute of an HTML fragment, as a browser would read them."""

    def __init__(self, markup: str):
        super().__init__()
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.feed(markup)

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))


def test_hostile_html_arrives_without_scripts_and_the_xml_still_parses(write_lesson):
    folder = write_lesson("hostile", HOSTILE)
    data = moodle_xml([quiz_of(folder)])
    root = parse(data)
    markup = [e.text for q in questions(root) for e in q.iter("text") if e.text]
    tags = [tag for shown in markup for tag in Tags(shown).tags]
    assert tags  # the HTML is there, as HTML
    for tag, attrs in tags:
        assert tag not in ("script", "iframe", "svg", "object"), (tag, attrs)
        for name, value in attrs:
            assert not name.startswith("on"), (tag, attrs)
            assert "javascript:" not in (value or "").lower(), (tag, attrs)
    everything = " ".join(seen(shown) for shown in markup)
    assert "Hello" in everything and "Why" in everything and "Pick one." in everything
    # Written as text, a tag in a title shows as text; Moodle strips tags from names.
    assert [text_of(q, "name") for q in questions(root)][-1] == "T alert(1)"
    timeline = questions(root)[-1]
    assert timeline.get("type") == "matching"
    rows = timeline.findall("subquestion")
    assert sorted(r.findtext("answer/text") for r in rows) == ["1", "2", "3"]  # order mode
    assert "three & four" in [seen(text_of(r, ".")) for r in rows]


def test_items_moodle_cannot_hold_become_essays_with_a_warning(tmp_path):
    from builder.export.quiz import Choice, Item, Quiz

    rows = (("1962", "The crisis"), ("1962", "The blockade"), ("1963", "The hotline"))
    wrong = (Choice("c", "A", False),) * 2
    repeated = (("a", "1"), ("b", "2"), ("c", "2"))  # one answer for two rows is fine
    items = (
        Item("lp1", "matching", "Same date twice", "<p>Match.</p>", points=3, pairs=rows),
        Item("lp2", "matching", "Long", "<p>Match.</p>", pairs=(("a", "x" * 256),) * 3),
        Item("lp3", "choice", "No right one", "<p>Pick\x0c.</p>", 1, wrong),
        Item("lp4", "matching", "Fine", "<p>Match.</p>", pairs=repeated),
    )
    warnings = []
    lesson = Quiz("lpq", "made-up", "Made up", "en", items)
    root = parse(moodle_xml([lesson], lambda q, item, message: warnings.append(item.ident)))
    assert warnings == ["lp1", "lp2", "lp3"]
    assert [q.get("type") for q in questions(root)] == ["essay", "essay", "essay", "matching"]
    same_date = questions(root)[0]
    assert "1962 The blockade" in seen(text_of(same_date, "graderinfo"))
    assert "The crisis" in seen(text_of(same_date, "questiontext"))  # the choices to use
    assert "1962 The blockade" not in seen(text_of(same_date, "questiontext"))
    assert same_date.findtext("defaultgrade") == "3"
    assert seen(text_of(questions(root)[2], "questiontext")) == "Pick. A A"  # no \x0c left
