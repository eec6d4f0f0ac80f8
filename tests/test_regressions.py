"""Regressions from issue 12 (item 4): small bugs that once survived the whole suite.

Each test here fails with one of them put back: the student sheet drawing the key's
"correct" marks, the inside-the-project check done as a string prefix, the timeline
shuffle ignoring the version letter, outputs written straight to their final path,
a reading's `original_file` missing from the build cache's inputs, and a roster
student with no version not getting version A.
"""

from __future__ import annotations

import builtins
import io
import os
import re
import textwrap
from pathlib import Path

import pypdfium2
import pytest
from conftest import pdf_text, write_png
from pypdf import PdfReader

from builder import BuildOptions, build, load_lesson
from builder.compose.assemble import assemble
from builder.sandbox import Refused, checked_path

EVENTS = [
    ("1901", "Aardvark treaty signed"),
    ("1905", "Buffalo canal opened"),
    ("1910", "Cormorant strike began"),
    ("1914", "Dromedary pact broken"),
    ("1919", "Egret conference met"),
    ("1923", "Ferret railway finished"),
    ("1929", "Gazelle bank failed"),
    ("1933", "Heron election held"),
]

MARKS = """\
title: Marks and order
questions:
  - id: pick
    prompt: Which planet is the largest?
    kind: choice
    choices: [Mercury, Venus, Jupiter, Mars]
    answer: Jupiter
  - id: tf
    prompt: The Moon is a planet.
    kind: truefalse
    answer: false
  - id: tf-lines
    prompt: Pluto is larger than the Moon.
    kind: truefalse
    lines: 2
    answer: "false"
timeline:
  mode: order
  events:
""" + "".join(f"    - date: {date}\n      label: {label}\n" for date, label in EVENTS)

BUNDLE = """\
title: Week of marks
lessons: [marks]
versions: 2
roster: roster.csv
"""

ROSTER = "name,section,version\nAna Quill,P1,B\nBen Rook,P1,\nCyd Lark,P1,A\n"


@pytest.fixture(scope="module")
def marks(tmp_path_factory) -> Path:
    """One build for the module: the `marks` lesson in versions A and B with HTML pages,
    and a bundle of it with a roster. Returns the output folder."""
    root = tmp_path_factory.mktemp("marks")
    folder = root / "lessons" / "marks"
    folder.mkdir(parents=True)
    (folder / "lesson.yaml").write_text(MARKS, encoding="utf-8")
    (root / "lessons" / "week.bundle.yaml").write_text(BUNDLE, encoding="utf-8")
    (root / "lessons" / "roster.csv").write_text(ROSTER, encoding="utf-8")
    out = root / "dist"
    build([root / "lessons"], BuildOptions(out_dir=out, html=True, versions=2, jobs=1))
    return out


# ---- 1. the student sheet never draws the key's "correct" marks ----

SCALE = 2  # pixels per PDF point when rendering


def _page_with(pdf: Path, needle: str):
    """(rendered page as RGB image, textpage, page height) of the page printing `needle`."""
    document = pypdfium2.PdfDocument(str(pdf))
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        if textpage.search(needle, match_case=True, match_whole_word=True).get_next():
            image = page.render(scale=SCALE).to_pil().convert("RGB")
            return image, textpage, page.get_height()
    raise AssertionError(f"{needle!r} is not printed in {pdf.name}")


def _box(textpage, height: float, needle: str) -> tuple[float, float, float, float]:
    """Pixel box (left, top, right, bottom) of the word `needle` on the rendered page."""
    start, count = textpage.search(needle, match_case=True, match_whole_word=True).get_next()
    boxes = [textpage.get_charbox(i) for i in range(start, start + count)]
    left, right = min(b[0] for b in boxes), max(b[2] for b in boxes)
    bottom, top = min(b[1] for b in boxes), max(b[3] for b in boxes)
    return left * SCALE, (height - top) * SCALE, right * SCALE, (height - bottom) * SCALE


def _blue(image, box=None) -> int:
    """Pixels in the key's answer colour (#0b3d91 and its anti-aliased edges)."""
    if box is not None:
        image = image.crop(tuple(round(v) for v in box))
    data = image.tobytes()
    pixels = zip(data[0::3], data[1::3], data[2::3], strict=True)
    return sum(1 for r, g, b in pixels if b > 100 and b - r > 50 and b - g > 30)


def _row(image, box, pad: float = 6) -> tuple[float, float, float, float]:
    """The whole width of the page around a line of text."""
    return 0, box[1] - pad * SCALE, image.width, box[3] + pad * SCALE


@pytest.mark.render
def test_student_html_has_no_correct_mark_and_the_key_marks_the_right_answers(marks):
    for version in "AB":
        student = (marks / "marks" / f"marks-student-{version}.html").read_text()
        key = (marks / "marks" / f"marks-key-{version}.html").read_text()
        assert "correct" not in student  # no class, no "✓ correct" mark
        (marked,) = re.findall(r'<li class="correct">(.*?)</li>', key, re.S)
        assert "Jupiter" in marked and "✓ correct" in marked
        tf = r'<span class="tf( correct)?">(True|False)</span>'
        assert re.findall(tf, key) == [("", "True"), (" correct", "False")] * 2
        assert re.findall(tf, student) == [("", "True"), ("", "False")] * 2


@pytest.mark.render
def test_student_pdf_has_no_answer_colour_where_the_key_marks_choice_and_true_false(marks):
    """Pixels, not text: the key draws the right choice and `False` in its answer
    colour; the student sheet draws no such mark on any choice."""
    for version in "AB":
        key = marks / "marks" / f"marks-key-{version}.pdf"
        student = marks / "marks" / f"marks-student-{version}.pdf"
        image, textpage, height = _page_with(key, "Jupiter")
        rows = {c: _row(image, _box(textpage, height, c)) for c in ("Mercury", "Venus", "Mars")}
        assert _blue(image, _row(image, _box(textpage, height, "Jupiter"))) > 50
        assert all(_blue(image, row) == 0 for row in rows.values()), version
        true_box, false_box = (_box(textpage, height, w) for w in ("True", "False"))
        assert _blue(
            image, (false_box[0] - 8, false_box[1] - 8, false_box[2] + 8, false_box[3] + 8)
        )
        assert not _blue(
            image, (true_box[0] - 8, true_box[1] - 8, true_box[2] + 8, true_box[3] + 8)
        )
        # the student sheet: the same rows, and no answer colour anywhere on the page
        image, textpage, height = _page_with(student, "Jupiter")
        for choice in ("Mercury", "Venus", "Jupiter", "Mars", "True", "False"):
            assert _blue(image, _row(image, _box(textpage, height, choice))) == 0, choice
        assert _blue(image) == 0
        assert "correct" not in pdf_text(student)


# ---- the true/false answer: in the key as the template prints it, not on the sheet ----


@pytest.mark.render
def test_true_false_answer_false_prints_in_the_key_only(marks):
    """`answer: false` with writing lines: the key prints "Answer: False" in the writing
    space (and marks `False`, tests above); the student sheet prints no answer."""
    for version in "AB":
        key = pdf_text(marks / "marks" / f"marks-key-{version}.pdf")
        student = pdf_text(marks / "marks" / f"marks-student-{version}.pdf")
        assert "Pluto is larger than the Moon. True False Answer: False" in key
        assert "Pluto is larger than the Moon. True False" in student
        assert "Answer" not in student and "ANSWER KEY" not in student


# ---- 3. versions A and B print the timeline in different orders ----


def _labels(events) -> list[str]:
    return [event.label for event in events]


@pytest.mark.render
def test_timeline_shuffle_depends_on_the_version_letter(marks):
    source, _ = load_lesson(marks.parent / "lessons" / "marks")
    chronological = [label for _, label in EVENTS]
    orders = {
        version: _labels(assemble(source, version=version, seed=1).timeline.events)
        for version in "AB"
    }
    assert orders["A"] != orders["B"]
    for order in orders.values():
        assert sorted(order) == sorted(chronological) and order != chronological
    # seeded: the same version and seed give the same order again
    assert _labels(assemble(source, version="A", seed=1).timeline.events) == orders["A"]
    # and the two PDFs of one build print those two orders
    printed = {}
    for version in "AB":
        text = pdf_text(marks / "marks" / f"marks-student-{version}.pdf")
        printed[version] = sorted(chronological, key=text.index)
    assert printed == orders and printed["A"] != printed["B"]


# ---- roster: a student with no version gets version A ----


@pytest.mark.render
def test_roster_student_without_a_version_gets_version_a(marks):
    pages = [
        " ".join((page.extract_text() or "").split())
        for page in PdfReader(marks / "week" / "week-roster.pdf").pages
    ]
    for name, version, other in (
        ("Ana Quill", "B", "A"),
        ("Ben Rook", "A", "B"),  # version left empty in roster.csv
        ("Cyd Lark", "A", "B"),
    ):
        mine = [page for page in pages if f"{name} · P1" in page]
        assert mine, name
        assert all(f"Version {version}" in page for page in mine), name
        assert not any(f"Version {other}" in page for page in mine), name


# ---- 2. inside the project means inside it, not a sibling folder sharing its prefix ----


@pytest.fixture
def twin_projects(tmp_path, monkeypatch) -> tuple[Path, Path]:
    """`proj/` (the current folder) and a sibling `proj-evil/` holding a reading and an
    image a lesson must not reach."""
    proj, evil = tmp_path / "proj", tmp_path / "proj-evil"
    (proj / "lessons").mkdir(parents=True)
    evil.mkdir()
    (evil / "x.md").write_text("Secret text from next door.\n", encoding="utf-8")
    write_png(evil / "x.png")
    monkeypatch.chdir(proj)
    return proj, evil


def test_checked_path_refuses_a_sibling_folder_sharing_the_prefix(twin_projects):
    proj, evil = twin_projects
    for name in ("x.md", "x.png"):
        with pytest.raises(Refused, match="outside the lesson project"):
            checked_path(evil / name, [proj])
        with pytest.raises(Refused, match="outside the lesson project"):
            checked_path(proj / ".." / "proj-evil" / name, [proj])
    (proj / "inside.md").write_text("mine", encoding="utf-8")
    assert checked_path(proj / "inside.md", [proj]) == (proj / "inside.md").resolve()


@pytest.mark.parametrize("how", ["relative", "symlink"])
def test_reading_and_image_in_a_sibling_folder_are_refused(twin_projects, cli, how):
    proj, evil = twin_projects
    folder = proj / "lessons" / "peek"
    folder.mkdir()
    if how == "relative":
        reading, image = "../../../proj-evil/x.md", "../../../proj-evil/x.png"
    else:
        (folder / "x.md").symlink_to(evil / "x.md")
        (folder / "x.png").symlink_to(evil / "x.png")
        reading, image = "x.md", "x.png"
    (folder / "lesson.yaml").write_text(
        textwrap.dedent(
            f"""\
            title: Peek
            readings:
              - id: a
                file: {reading}
                images:
                  - file: {image}
                    alt: a picture
            """
        ),
        encoding="utf-8",
    )
    result = cli("check")
    assert result.exit_code == 1, result.output
    assert re.search(
        r"lessons/peek/lesson\.yaml:4:\d+: error: reading file .* is outside", result.stderr
    )
    assert re.search(r"lessons/peek/lesson\.yaml:6:\d+: error: image .* is outside", result.stderr)
    result = cli("build")
    assert result.exit_code == 1
    assert not (proj / "dist" / "peek").exists()


# ---- 4. outputs go through a staging folder: a failed write changes no earlier output ----

SMALL = """\
title: {title}
questions:
  - id: q1
    prompt: Why do leaves fall?
    answer: To save water in winter.
  - id: q2
    prompt: Name a tree.
    answer: An oak.
"""


def _writes(monkeypatch, out: Path, on_write=None) -> list[Path]:
    """Record every file opened for writing under `out` (the build cache aside), through
    open(), Path.open/write_bytes and os.open; `on_write(path, count)` may raise."""
    opened: list[Path] = []
    real_io_open, real_os_open = io.open, os.open
    cache = out / ".lessonpack-cache"

    def note(file, writing: bool) -> None:
        if not writing or isinstance(file, int):
            return
        path = Path(os.path.abspath(file))
        if path.is_relative_to(out) and not path.is_relative_to(cache):
            opened.append(path)
            if on_write:
                on_write(path, len(opened))

    def fake_io_open(file, mode="r", *args, **kwargs):
        note(file, any(c in mode for c in "wax+"))
        return real_io_open(file, mode, *args, **kwargs)

    def fake_os_open(path, flags, *args, **kwargs):
        note(path, bool(flags & (os.O_WRONLY | os.O_RDWR | os.O_CREAT)))
        return real_os_open(path, flags, *args, **kwargs)

    monkeypatch.setattr(io, "open", fake_io_open)
    monkeypatch.setattr(builtins, "open", fake_io_open)
    monkeypatch.setattr(os, "open", fake_os_open)
    return opened


def _tree(folder: Path) -> dict[str, bytes]:
    """Every file under `folder` but the build cache, by relative path."""
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".lessonpack-cache" not in p.relative_to(folder).parts
    }


@pytest.mark.render
def test_a_failure_while_writing_leaves_every_earlier_output_whole(
    write_lesson, tmp_path, monkeypatch
):
    folder = write_lesson("leaves", SMALL.format(title="Leaves"))
    out = tmp_path / "dist"
    build([tmp_path / "lessons"], BuildOptions(out_dir=out, html=True, jobs=1))
    before = _tree(out)
    assert {"leaves/leaves-student.pdf", "leaves/leaves-key.pdf"} <= set(before)
    (folder / "lesson.yaml").write_text(SMALL.format(title="Falling leaves"), encoding="utf-8")

    def disk_full(path: Path, count: int) -> None:
        if count == 2:  # after one new file was written somewhere
            raise OSError(28, "No space left on device", str(path))

    written = _writes(monkeypatch, out, disk_full)
    with pytest.raises(OSError, match="No space left"):
        build([tmp_path / "lessons"], BuildOptions(out_dir=out, html=True, jobs=1))
    monkeypatch.undo()
    assert len(written) == 2  # the write step had started
    assert _tree(out) == before  # byte-identical, no new or partial file
    assert [p.name for p in out.iterdir() if p.name != ".lessonpack-cache"] == ["leaves"]


@pytest.mark.render
def test_files_are_written_in_a_staging_folder_then_moved_into_place(
    write_lesson, tmp_path, monkeypatch
):
    folder = write_lesson("leaves", SMALL.format(title="Leaves"))
    out = tmp_path / "dist"
    build([tmp_path / "lessons"], BuildOptions(out_dir=out, html=True, jobs=1))
    before = _tree(out)
    (folder / "lesson.yaml").write_text(SMALL.format(title="Falling leaves"), encoding="utf-8")
    moves: list[tuple[Path, Path]] = []
    for name in ("replace", "rename"):
        real = getattr(os, name)

        def move(src, dst, *args, _real=real, **kwargs):
            moves.append((Path(os.path.abspath(src)), Path(os.path.abspath(dst))))
            return _real(src, dst, *args, **kwargs)

        monkeypatch.setattr(os, name, move)
    written = _writes(monkeypatch, out)
    build([tmp_path / "lessons"], BuildOptions(out_dir=out, html=True, jobs=1))
    monkeypatch.undo()
    after = _tree(out)
    changed = {out / name for name, data in after.items() if before.get(name) != data}
    assert {out / "leaves/leaves-student.pdf", out / "leaves/leaves-key.pdf"} <= changed
    assert changed < {out / name for name in after}  # the stylesheet is unchanged
    assert written, "nothing was written"
    for path in written:
        assert path not in changed, f"{path} opened for writing in place"
        staging = out / path.relative_to(out).parts[0]
        assert staging.name.startswith(".") and not staging.exists(), path
    cache = out / ".lessonpack-cache"
    moved = [(src, dst) for src, dst in moves if not dst.is_relative_to(cache)]
    assert {dst for _, dst in moved} == changed  # each changed file moved into place ...
    assert all(src in written for src, _ in moved)  # ... from the file staged for it
    assert [p.name for p in out.iterdir() if p.name != ".lessonpack-cache"] == ["leaves"]


# ---- 5. a reading's original_file is an input of its lesson ----


@pytest.mark.render
def test_editing_a_readings_original_file_rebuilds_the_lesson(write_lesson, cli, tmp_path):
    folder = write_lesson(
        "orig",
        """\
        title: Originals
        readings:
          - id: a
            text: The modified excerpt, easier to read.
            original_file: original.md
            show_original: true
        """,
        {"original.md": "Teh first wording of the excerpt.\n"},
    )
    first = cli("build", "--no-key", "--jobs", "1")
    assert first.exit_code == 0, first.output
    assert "Built 1 file" in first.stdout
    pdf = tmp_path / "dist" / "orig" / "orig-student.pdf"
    assert "Teh first wording of the excerpt." in pdf_text(pdf)
    again = cli("build", "--no-key", "--jobs", "1")
    assert "Built 0 files, 1 up to date" in again.stdout  # nothing changed: nothing built
    (folder / "original.md").write_text("A second, longer wording of the old excerpt.\n")
    result = cli("build", "--no-key", "--jobs", "1")
    assert result.exit_code == 0, result.output
    assert "Built 1 file" in result.stdout and "up to date" not in result.stdout
    assert "A second, longer wording of the old excerpt." in pdf_text(pdf)
