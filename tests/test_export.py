"""`lessonpack export` end to end (SPEC §3, §7): the files it writes for lessons and
bundles, the line numbers of the printed handout on --paper, identical bytes twice,
nothing written when a lesson is invalid, no WeasyPrint without line references, and
text in any script or with hostile HTML arriving whole and harmless.

The formats themselves (QTI structure, Moodle's importer's elements) are tested in
test_export_canvas.py and test_export_moodle.py; here each file is read the way a
platform would: unzipped and parsed.
"""

from __future__ import annotations

import html
import re
import subprocess
import sys
import textwrap
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest
from conftest import SAMPLE, SLUG, invoke, lesson_view, plain

from builder import load_lesson


def moodle_questions(path: Path) -> list[ET.Element]:
    return ET.parse(path).getroot().findall("question")


def by_type(questions: list[ET.Element]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for question in questions:
        counts[question.get("type")] = counts.get(question.get("type"), 0) + 1
    return counts


def canvas_texts(path: Path) -> dict[str, str]:
    """Every XML file in the package, by name, as text."""
    with zipfile.ZipFile(path) as package:
        return {n: package.read(n).decode() for n in package.namelist() if n.endswith(".xml")}


def canvas_items(path: Path) -> list[ET.Element]:
    items = []
    for name, text in canvas_texts(path).items():
        if name in ("imsmanifest.xml",) or name.endswith("assessment_meta.xml"):
            continue
        root = ET.fromstring(text)
        items += [e for e in root.iter() if e.tag.rsplit("}", 1)[-1] == "item"]
    return items


def question_type(item: ET.Element) -> str:
    for field in item.iter():
        if field.tag.rsplit("}", 1)[-1] == "qtimetadatafield":
            label = next(c for c in field if c.tag.rsplit("}", 1)[-1] == "fieldlabel")
            entry = next(c for c in field if c.tag.rsplit("}", 1)[-1] == "fieldentry")
            if label.text == "question_type":
                return entry.text
    raise AssertionError("no question_type")


@pytest.fixture(scope="module")
def exported(tmp_path_factory) -> Path:
    """The sample project exported once: its dist folder."""
    import shutil

    root = tmp_path_factory.mktemp("export")
    shutil.copytree(SAMPLE, root / "lessons" / SLUG)
    shutil.copy(SAMPLE.parent / "cold-war-week3.bundle.yaml", root / "lessons")
    shutil.copy(SAMPLE.parent / "roster.csv", root / "lessons")
    from builder import ExportOptions, export_quizzes

    export_quizzes([root / "lessons"], ExportOptions(out_dir=root / "dist"))
    return root / "dist"


def test_the_sample_exports_every_part_as_its_question_type(exported):
    moodle = moodle_questions(exported / SLUG / f"{SLUG}-moodle.xml")
    assert by_type(moodle) == {
        "category": 1,
        "description": 2,  # the two documents
        "essay": 12,  # eight written questions and four organizers
        "multichoice": 1,
        "matching": 1,  # the timeline
    }
    items = canvas_items(exported / SLUG / f"{SLUG}-canvas.zip")
    types = [question_type(item) for item in items]
    assert types.count("text_only_question") == 2
    assert types.count("essay_question") == 12
    assert types.count("multiple_choice_question") == 1
    assert types.count("matching_question") == 1
    # documents come before their first question, in the handout's order
    names = [q.findtext("name/text") for q in moodle[1:]]
    assert names[0].startswith("Document A") and names[1] == "Sourcing — Question 1"
    assert names[2].startswith("Document B") and names[3] == "Sourcing — Question 2"
    # an essay's answer box is as tall as the handout's writing space (5 lines; 13 -> 15)
    boxes = {q.findtext("name/text"): q.findtext("responsefieldlines") for q in moodle}
    assert boxes["Sourcing — Question 1"] == "5"
    assert boxes["Extended response — Question 9"] == "15"


def test_a_bundle_exports_one_quiz_per_lesson(exported):
    folder = exported / "cold-war-week3"
    moodle = moodle_questions(folder / "cold-war-week3-moodle.xml")
    categories = [q for q in moodle if q.get("type") == "category"]
    assert len(categories) == 1  # the bundle has one lesson
    manifest = canvas_texts(folder / "cold-war-week3-canvas.zip")["imsmanifest.xml"]
    assert manifest.count('type="imsqti_xmlv1p2"') == 1


def test_same_input_same_bytes(exported, tmp_path):
    from builder import ExportOptions, export_quizzes

    root = exported.parent
    export_quizzes([root / "lessons"], ExportOptions(out_dir=tmp_path / "again"))
    for name in (f"{SLUG}-canvas.zip", f"{SLUG}-moodle.xml"):
        again = tmp_path / "again" / SLUG / name
        assert (exported / SLUG / name).read_bytes() == again.read_bytes()


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_line_references_are_the_printed_handouts_on_that_paper(tmp_path, paper, monkeypatch):
    import shutil

    shutil.copytree(SAMPLE, tmp_path / "lessons" / SLUG)
    monkeypatch.chdir(tmp_path)
    result = invoke("export", "--paper", paper, "--to", "moodle")
    assert result.exit_code == 0, result.output
    source, _ = load_lesson(SAMPLE)
    view = lesson_view(source, paper)
    cited = [re.findall(r"line \d+", plain(q.prompt)) for q in view.questions]
    assert any(cited)
    texts = {
        q.findtext("name/text"): html.unescape(q.findtext("questiontext/text") or "")
        for q in moodle_questions(tmp_path / "dist" / SLUG / f"{SLUG}-moodle.xml")
    }
    for question, lines in zip(view.questions, cited, strict=True):
        number = f"Question {question.number}"
        text = next(t for name, t in texts.items() if name and name.endswith(number))
        assert re.findall(r"line \d+", plain(text)) == lines
        assert "{line:" not in text


GOOD = "title: Good\nquestions:\n  - prompt: Why?\n    answer: Because.\n"


def test_an_invalid_lesson_exports_nothing_and_keeps_earlier_files(write_lesson, cli, tmp_path):
    write_lesson("good", GOOD)
    assert cli("export").exit_code == 0
    before = (tmp_path / "dist" / "good" / "good-moodle.xml").read_bytes()
    write_lesson("good", GOOD + "    kind: essay\n")
    result = cli("export")
    assert result.exit_code == 1
    assert "lessons/good/lesson.yaml:5:11: error: 'kind' must be one of" in result.stderr
    assert "Nothing was written" in result.stderr
    assert (tmp_path / "dist" / "good" / "good-moodle.xml").read_bytes() == before


def test_no_weasyprint_unless_a_lesson_cites_lines(write_lesson, tmp_path):
    write_lesson("plain", "title: Plain\nquestions:\n  - prompt: Why?\n    answer: Because.\n")
    code = textwrap.dedent(
        f"""\
        import sys
        from pathlib import Path
        from builder import ExportOptions, export_quizzes
        lessons, out = Path({str(tmp_path / "lessons")!r}), Path({str(tmp_path / "out")!r})
        export_quizzes([lessons], ExportOptions(out_dir=out))
        print('weasyprint' in sys.modules)
        """
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "False"
    assert (tmp_path / "out" / "plain" / "plain-canvas.zip").exists()


def test_no_feedback_leaves_answers_out(tmp_path, monkeypatch):
    import shutil

    shutil.copytree(SAMPLE, tmp_path / "lessons" / SLUG)
    monkeypatch.chdir(tmp_path)
    assert invoke("export", "--no-feedback").exit_code == 0
    moodle = (tmp_path / "dist" / SLUG / f"{SLUG}-moodle.xml").read_text()
    package = " ".join(canvas_texts(tmp_path / "dist" / SLUG / f"{SLUG}-canvas.zip").values())
    for answer in ("essay-sharing site", "Look for", "Sympathetic to the Soviet"):
        assert answer not in html.unescape(moodle) and answer not in html.unescape(package)


def test_build_export_writes_the_pdfs_and_the_quizzes(tmp_path, monkeypatch):
    import shutil

    shutil.copytree(SAMPLE, tmp_path / "lessons" / SLUG)
    monkeypatch.chdir(tmp_path)
    result = invoke("build", "--export")
    assert result.exit_code == 0, result.output
    names = sorted(p.name for p in (tmp_path / "dist" / SLUG).iterdir())
    assert names == [f"{SLUG}-{x}" for x in ("canvas.zip", "key.pdf", "moodle.xml", "student.pdf")]
    assert "Exported 2 files:" in result.stdout
    plain_build = invoke("build", "-o", "plain")
    assert not list((tmp_path / "plain" / SLUG).glob("*.zip"))  # only with --export
    assert plain_build.exit_code == 0


WORLD = """\
title: Мир и سلام
language: ru
readings:
  - id: letters
    title: Письмо — رسالة
    text: |
      Дорогой друг, мы читаем «Войну и мир». قال الكاتب: السلام عليكم.

      <script>alert('x')</script> <img src=x onerror=alert(1)> [click](javascript:alert(1))
questions:
  - reading: letters
    prompt: Что пишет автор? ما رأي الكاتب؟ <iframe src="https://example.com"></iframe>
    answer: Мир — السلام
    points: 2
"""


def test_text_in_any_script_arrives_whole_and_hostile_html_does_not(write_lesson, cli, tmp_path):
    write_lesson("world", WORLD)
    result = cli("export")
    assert result.exit_code == 0, result.stderr
    moodle = html.unescape((tmp_path / "dist" / "world" / "world-moodle.xml").read_text("utf-8"))
    package = canvas_texts(tmp_path / "dist" / "world" / "world-canvas.zip")
    canvas = html.unescape(" ".join(package.values()))
    for text in (moodle, canvas):
        assert "Дорогой друг, мы читаем «Войну и мир»" in text
        assert "قال الكاتب: السلام عليكم." in text
        assert "Мир — السلام" in text  # the model answer, in the feedback
        for hostile in ("<script", "onerror", "javascript:", "<iframe"):
            assert hostile not in text.lower(), hostile
    assert 'xml:lang="ru"' in " ".join(package.values())
