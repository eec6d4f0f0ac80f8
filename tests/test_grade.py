"""`lessonpack grade` end to end: answer sheets printed by a real build, filled in and
scanned synthetically (tests/scanfake.py: pypdfium2 renders, pencil marks, skew, noise,
JPEG, a page upside down), read back into grades, an item analysis and a review PDF.

Every expected grade is worked out from the lesson and each version's shuffle by hand in
the test (which bubble is right in version B), never read from the grader's own output.
"""

from __future__ import annotations

import csv
import io
import subprocess
import sys
from pathlib import Path

import numpy as np
import pypdf
import pytest
from PIL import Image
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).parent))
import scanfake

from builder.cli import app
from builder.grade.plan import lesson_set
from builder.grade.run import GradeOptions, grade_scans
from builder.output.workers import InlineExecutor
from builder.project.lesson import load_lesson

SLUG = "suffrage"
LESSON = """\
title: Votes for Women
questions:
  - id: seneca
    kind: choice
    prompt: Where did the 1848 convention meet?
    choices: [Boston, Seneca Falls, Chicago, Albany]
    answer: Seneca Falls
    points: 2
  - id: amendment
    kind: truefalse
    prompt: The Nineteenth Amendment was ratified in 1920.
    answer: "true"
    points: 1
  - id: why
    prompt: Why did the movement split after the Civil War?
    points: 3
  - id: essay
    kind: long
    prompt: Write an essay on the movement's methods.
    points: 12
  - id: unscored
    prompt: What would you ask Susan B. Anthony?
organizers:
  - kind: chart
    title: Arguments for and against
    columns: [For, Against]
    points: 2
timeline:
  mode: order
  points: 1
  events:
    - {date: 1848-07-19, label: Seneca Falls Convention}
    - {date: 1869-05-15, label: NWSA founded}
    - {date: 1890-02-18, label: NAWSA formed}
    - {date: 1920-08-18, label: Nineteenth Amendment ratified}
"""
COLUMNS = ["seneca", "amendment", "why", "essay", "o1", "timeline"]
DPI = 150
PDFCHECK = Path(__file__).resolve().parents[2] / "shared" / "tools" / "pdfcheck.py"


@pytest.fixture(scope="module")
def printed(tmp_path_factory):
    """The project and its answer sheets: two versions, two numbered copies each."""
    root = tmp_path_factory.mktemp("grade")
    folder = root / "lessons" / SLUG
    folder.mkdir(parents=True)
    (folder / "lesson.yaml").write_text(LESSON)
    result = CliRunner().invoke(
        app,
        ["build", str(root / "lessons"), "-o", str(root / "dist"), "--answer-sheets",
         "--copies", "2", "--versions", "2", "--no-key", "-q"],
    )
    assert result.exit_code == 0, result.output
    pdf = root / "dist" / SLUG / f"{SLUG}-answers.pdf"
    source, _ = load_lesson(folder)
    sheets = lesson_set(source, ("A", "B"), 1, "letter", False, 2)
    return root, pdf, sheets


class Filler:
    """Marks bubbles on one sheet's rendered page, by item, row and value."""

    def __init__(self, image, layout):
        self.image, self.layout = image, layout

    def fill(self, column: str, value: str, part: str = "", how: str = "solid") -> None:
        for index, bubble in enumerate(self.layout.bubbles):
            row = self.layout.rows[bubble.row]
            if row.item == column and row.part == part and bubble.value == value:
                scanfake.mark(self.image, self.layout, DPI, index, how)
                return
        raise AssertionError(f"no bubble {column} {part} {value}")


def right(sheets, version: str, column: str) -> tuple:
    item = next(i for i in sheets.layout(version).items if i.column == column)
    return item.correct


def scans_of(printed, fill, rng_seed=3, **distortion):
    """Each printed page filled by fill(sheet index, Filler, version) and distorted."""
    _, pdf, sheets = printed
    rng = np.random.default_rng(rng_seed)
    images = scanfake.page_images(pdf.read_bytes(), DPI)
    assert len(images) == 4  # 2 versions x 2 copies, one page each
    out = []
    for index, image in enumerate(images):
        version = "A" if index < 2 else "B"
        filler = Filler(image, sheets.layout(version).pages[0])
        fill(index, filler, version)
        out.append(scanfake.distort(image, rng, dpi=DPI, **distortion))
    return out


def all_right(sheets):
    def fill(index, filler, version):
        filler.fill("seneca", right(sheets, version, "seneca")[0])
        filler.fill("amendment", "T")
        filler.fill("why", "3")
        filler.fill("essay", "10", "tens")
        filler.fill("essay", "2", "units")
        filler.fill("o1", "2")
        for n, value in enumerate(right(sheets, version, "timeline"), start=1):
            filler.fill("timeline", value, str(n))

    return fill


def save_pdf(images, path: Path) -> Path:
    images[0].save(path, save_all=True, append_images=images[1:], resolution=DPI)
    return path


def graded(root: Path, scans: list[Path], **options):
    out = root / "grades-out"
    result = grade_scans(
        scans, GradeOptions(out_dir=out, project=root, **options), executor=InlineExecutor()
    )
    return result, out


def table(path: Path) -> list[dict]:
    return list(csv.DictReader(io.StringIO(path.read_text())))


def test_every_right_answer_scores_full_in_both_versions(printed, tmp_path):
    root, _, sheets = printed
    # The shuffle moved the right choice: the test would pass by luck otherwise.
    assert right(sheets, "A", "seneca") != right(sheets, "B", "seneca")
    scans = save_pdf(scans_of(printed, all_right(sheets)), tmp_path / "scans.pdf")
    result, out = graded(root, [scans])
    assert result.unreadable == 0 and result.pages == 4
    rows = table(out / f"{SLUG}-grades.csv")
    assert list(rows[0]) == [
        "student", "section", "version", "sheet", "pages", *COLUMNS, "total", "max", "problems"
    ]
    assert [r["sheet"] for r in rows] == ["1", "2", "3", "4"]
    assert [r["version"] for r in rows] == ["A", "A", "B", "B"]
    for row in rows:
        assert [row[c] for c in COLUMNS] == ["2", "1", "3", "12", "2", "4"], row
        assert row["total"] == row["max"] == "24"
        assert row["problems"] == ""
    assert rows[2]["pages"] == f"{scans}:3"


def test_wrong_blank_multiple_and_unclear_marks(printed, tmp_path):
    root, _, sheets = printed

    def fill(index, filler, version):
        if index == 0:  # version A, sheet 1: wrong choice, no true/false, two scores
            wrong = next(v for v in "ABCD" if v != right(sheets, "A", "seneca")[0])
            filler.fill("seneca", wrong)
            filler.fill("why", "1")
            filler.fill("why", "2")
            filler.fill("essay", "7", "units")  # no tens mark: 7
        if index == 3:  # version B, sheet 4: a half-filled bubble and a faint erasure
            filler.fill("seneca", right(sheets, "B", "seneca")[0], how="half")
            filler.fill("amendment", "F", how="erased")
            filler.fill("amendment", "T")
            filler.fill("o1", "1")

    scans = save_pdf(scans_of(printed, fill), tmp_path / "scans.pdf")
    _, out = graded(root, [scans])
    rows = {r["sheet"]: r for r in table(out / f"{SLUG}-grades.csv")}
    one = rows["1"]
    assert (one["seneca"], one["amendment"], one["why"], one["essay"]) == ("0", "0", "0", "7")
    problems = one["problems"].split("; ")
    assert "amendment: blank" in problems
    assert "why: multiple marks" in problems
    assert not any(p.startswith("seneca:") for p in problems)  # wrong is not a flag
    four = rows["4"]
    assert (four["seneca"], four["amendment"], four["o1"]) == ("0", "1", "1")
    assert "seneca: unclear" in four["problems"].split("; ")
    assert not any(p.startswith("amendment") for p in four["problems"].split("; "))
    items = {r["item"]: r for r in table(out / f"{SLUG}-items.csv")}
    assert items["why"]["multiple"] == "1"
    assert items["seneca"]["unclear"] == "1"
    assert int(items["amendment"]["blank"]) >= 1


def test_answers_are_counted_by_the_lessons_own_letters(printed, tmp_path):
    """Everyone picks 'Chicago' (the lesson's C): each version prints it at its own letter."""
    root, _, sheets = printed
    chicago = {}
    for version in "AB":
        choices = sheets.layout(version).items[0]
        chicago[version] = next(k for k, v in choices.originals.items() if v == "C")
    assert chicago["A"] != chicago["B"]

    def fill(index, filler, version):
        filler.fill("seneca", chicago[version])
        filler.fill("amendment", "F" if index % 2 else "T")

    scans = save_pdf(scans_of(printed, fill), tmp_path / "scans.pdf")
    _, out = graded(root, [scans])
    items = {r["item"]: r for r in table(out / f"{SLUG}-items.csv")}
    assert items["seneca"]["answers"] == "A=0; B=0; C=4; D=0"
    assert items["amendment"]["answers"] == "T=2; F=2"
    assert items["amendment"]["mean"] == "0.50"
    assert items["amendment"]["percent_full"] == "50.0"
    assert items["seneca"]["max"] == "2" and items["essay"]["max"] == "12"
    assert items["timeline"]["answers"] == ""


def test_a_shuffled_skewed_stack_with_an_upside_down_page_a_duplicate_and_a_gap(
    printed, tmp_path
):
    root, _, sheets = printed
    images = scans_of(printed, all_right(sheets), jpeg_quality=60, angle=4.0)
    flipped = scanfake.distort(images[2], np.random.default_rng(9), upside_down=True, dpi=DPI)
    stack = [images[3], flipped, images[0], images[3]]  # sheet 2 missing, sheet 4 twice
    first = save_pdf(stack[:2], tmp_path / "first.pdf")
    second = tmp_path / "second.tiff"
    plain = [Image.fromarray(np.asarray(image)) for image in stack[2:]]  # no JPEG tables
    plain[0].save(second, save_all=True, append_images=plain[1:], compression="tiff_deflate")
    result, out = graded(root, [first, second])
    assert result.unreadable == 0
    rows = {r["sheet"]: r for r in table(out / f"{SLUG}-grades.csv")}
    assert set(rows) == {"1", "3", "4"}  # numbered copies: an unscanned one has no row
    for row in rows.values():
        assert row["total"] == "24", row
    assert "scanned twice" in rows["4"]["problems"]
    assert rows["4"]["pages"] == f"{first}:1"
    review = pypdf.PdfReader(out / f"{SLUG}-review.pdf")
    assert len(review.pages) == 3  # the duplicate is shown once
    text = " ".join(page.extract_text() for page in review.pages)
    assert "24 of 24 points on this page" in text


def test_unreadable_page_is_named_and_the_rest_still_graded(printed, tmp_path):
    root, _, sheets = printed
    images = scans_of(printed, all_right(sheets))
    covered = images[1].copy()
    x, y, size = sheets.layout("A").pages[0].qr_box
    draw = __import__("PIL.ImageDraw", fromlist=["Draw"]).Draw(covered)
    margin = 0.6 * DPI  # distort pads and shifts a little: cover generously
    draw.rectangle([x * DPI - margin, 0, covered.width, (y + size) * DPI + margin], fill=255)
    scans = save_pdf([images[0], covered], tmp_path / "scans.pdf")
    cli = CliRunner()
    result = cli.invoke(
        app, ["grade", str(scans), "--project", str(root), "-o", str(tmp_path / "out")]
    )
    assert result.exit_code == 1, result.output
    assert "scans.pdf" in result.output and "page 2" in result.output
    assert "no answer-sheet code" in result.output
    rows = table(tmp_path / "out" / f"{SLUG}-grades.csv")
    assert [r["sheet"] for r in rows] == ["1"]


def test_strict_fails_on_flags_and_exit_codes(printed, tmp_path):
    root = printed[0]

    def fill(index, filler, version):
        if index == 0:
            filler.fill("seneca", "A")
            filler.fill("seneca", "B")

    scans = save_pdf(scans_of(printed, fill)[:1], tmp_path / "scans.pdf")
    cli = CliRunner()
    base = ["grade", str(scans), "--project", str(root), "-o", str(tmp_path / "out")]
    assert cli.invoke(app, base).exit_code == 0
    strict = cli.invoke(app, [*base, "--strict"])
    assert strict.exit_code == 1
    missing = ["grade", str(tmp_path / "missing.pdf"), "--project", str(root)]
    assert cli.invoke(app, missing).exit_code == 2
    nowhere = ["grade", str(scans), "--project", str(tmp_path / "nowhere")]
    assert cli.invoke(app, nowhere).exit_code == 2


def test_review_pdf_is_print_ready_and_rings_differ_in_gray(printed, tmp_path):
    root, _, sheets = printed
    scans = save_pdf(scans_of(printed, all_right(sheets))[:2], tmp_path / "scans.pdf")
    _, out = graded(root, [scans])
    review = out / f"{SLUG}-review.pdf"
    check = subprocess.run(
        [sys.executable, str(PDFCHECK), str(review)], capture_output=True, text=True
    )
    assert check.returncode == 0 and ": ok" in check.stdout, check.stdout + check.stderr
    pages = scanfake.page_images(review.read_bytes(), 100)
    assert len(pages) == 2


def test_changed_lesson_warns_and_unknown_slug_is_an_error(printed, tmp_path):
    sheets = printed[2]
    scans = save_pdf(scans_of(printed, all_right(sheets))[:1], tmp_path / "scans.pdf")
    copy = tmp_path / "project"
    (copy / "lessons" / SLUG).mkdir(parents=True)
    (copy / "lessons" / SLUG / "lesson.yaml").write_text(LESSON + "subtitle: Edited\n")
    result, _ = graded(copy, [scans])
    assert any("changed since" in p.message and p.severity == "warning" for p in result.problems)
    empty = tmp_path / "empty"
    (empty / "lessons").mkdir(parents=True)
    result, _ = graded(empty, [scans])
    assert result.unreadable == 1
    assert "not a lesson or bundle of this project" in result.problems[0].message


ROSTER_BUNDLE = """\
title: Suffrage quiz
answer_sheets: true
roster: roster.csv
lessons:
  - lesson: suffrage
    questions: [seneca, amendment]
    organizers: false
    timeline: false
"""


def test_a_roster_bundle_gives_every_student_a_row(tmp_path):
    folder = tmp_path / "lessons" / SLUG
    folder.mkdir(parents=True)
    (folder / "lesson.yaml").write_text(LESSON)
    (tmp_path / "lessons" / "suffrage-quiz.bundle.yaml").write_text(ROSTER_BUNDLE)
    (tmp_path / "lessons" / "roster.csv").write_text(
        "name,section\nAda Byron,Period 1\nCleo Marsh,Period 4\nDev Patel,Period 4\n"
    )
    built = CliRunner().invoke(
        app, ["build", str(tmp_path / "lessons"), "-o", str(tmp_path / "dist"), "--no-key", "-q"]
    )
    assert built.exit_code == 0, built.output
    pdf = tmp_path / "dist" / "suffrage-quiz" / "suffrage-quiz-answers.pdf"
    images = scanfake.page_images(pdf.read_bytes(), DPI)
    assert len(images) == 3
    from builder.project.discover import load_all

    bundle = load_all([tmp_path / "lessons"]).bundles[0]
    from builder.grade.plan import bundle_set

    layout = bundle_set(bundle, 1, "letter", False, 30).layout("").pages[0]
    Filler(images[1], layout).fill("suffrage/seneca", "B")  # Cleo: right (unshuffled)
    scans = save_pdf([images[1]], tmp_path / "scans.pdf")
    _, out = graded(tmp_path, [scans])
    rows = table(out / "suffrage-quiz-grades.csv")
    assert [r["student"] for r in rows] == ["Ada Byron", "Cleo Marsh", "Dev Patel"]
    assert list(rows[0])[5:7] == ["suffrage/seneca", "suffrage/amendment"]
    cleo = rows[1]
    assert (cleo["section"], cleo["suffrage/seneca"], cleo["suffrage/amendment"]) == (
        "Period 4", "2", "0")
    assert cleo["total"] == "2" and cleo["max"] == "3"
    assert cleo["problems"] == "suffrage/amendment: blank"
    assert rows[0]["problems"] == "no sheet scanned"
    assert rows[0]["suffrage/seneca"] == "" and rows[0]["total"] == ""


def test_a_code_names_a_slug_never_a_path():
    """A QR code names a slug, never a path: a forged one is refused, not opened."""
    from builder.grade.plan import parse_code

    assert parse_code("LP1;../../etc;A;1;1;1;1;letter;S;0123abcd") is None
    assert parse_code("LP1;https://x.org;A;1;1;1;1;letter;S;0123abcd") is None
    assert parse_code("LP1;suffrage;A;1;1;1;1;letter;S;0123abcd") is not None


def test_a_missing_page_of_a_two_page_sheet_is_flagged_and_its_items_left_empty(tmp_path):
    questions = "\n".join(
        f"  - {{id: c{n}, kind: choice, prompt: Q{n}, choices: [One, Two, Three], "
        f"answer: Two, points: 1}}"
        for n in range(1, 31)
    )
    folder = tmp_path / "lessons" / "long-quiz"
    folder.mkdir(parents=True)
    (folder / "lesson.yaml").write_text(
        f"title: Long quiz\nquestions:\n{questions}\n"
        "  - {id: essay, kind: long, prompt: Write, answer: Anything, points: 12}\n"
    )
    built = CliRunner().invoke(
        app, ["build", str(tmp_path / "lessons"), "-o", str(tmp_path / "dist"),
              "--answer-sheets", "--copies", "1", "--no-key", "-q"],
    )
    assert built.exit_code == 0, built.output
    source, _ = load_lesson(folder)
    layout = lesson_set(source, ("",), 1, "letter", False, 1).layout("")
    assert len(layout.pages) == 2
    pdf = tmp_path / "dist" / "long-quiz" / "long-quiz-answers.pdf"
    first = scanfake.page_images(pdf.read_bytes(), DPI)[0]
    filler = Filler(first, layout.pages[0])
    on_first = {row.item for row in layout.pages[0].rows}
    for item in layout.items:
        if item.column in on_first and item.kind == "choice":
            filler.fill(item.column, "B")
    scans = save_pdf([scanfake.distort(first, np.random.default_rng(2), dpi=DPI)],
                     tmp_path / "scans.pdf")
    result, out = graded(tmp_path, [scans])
    assert result.unreadable == 0
    row = table(out / "long-quiz-grades.csv")[0]
    assert "page 2 of 2 not scanned" in row["problems"].split("; ")
    on_second = [i.column for i in layout.items if i.column not in on_first]
    assert on_second and all(row[column] == "" for column in on_second)
    assert all(row[column] == "1" for column in on_first if column.startswith("c"))
    assert row["total"] == str(len([c for c in on_first if c.startswith("c")]))
    assert row["max"] == "42"
