"""Answer sheets (SPEC §7, issue 17), read back from the PDFs a teacher prints.

Small lessons written for these tests are built with `lessonpack build --answer-sheets`
(or a bundle's `answer_sheets: true`); the answers PDF is then read the way a person or
a scanner would: its text and font sizes from pdfium's character boxes, its ink from the
page drawn at 150 dpi, its QR code decoded with zxing-cpp. Where a test compares with
builder.grade's own layout (bubble centres), it also checks what that layout prints
against the lesson itself (labels, bubbles, order), so a layout that agrees with itself
but not with the lesson still fails.
"""

from __future__ import annotations

import ctypes
import hashlib
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pypdfium2
import pypdfium2.raw as pdfium_raw
import pytest
import zxingcpp
from conftest import REPO, invoke, pdf_text

DPI = 150
PT = 72.0

# A lesson with an item of every kind. Question 2 is a true/false without points (line
# 8, column 5: the warning's place); question 3 is written without points (no row).
MIX = """\
title: Mixed answer sheet lesson
questions:
  - prompt: Which came first?
    kind: choice
    choices: [Alphaopt, Betaopt, Gammaopt, Deltaopt]
    answer: B
    points: 2
  - prompt: Is it true?
    kind: truefalse
    answer: true
  - prompt: Explain the first thing.
    answer: Secretanswer
  - prompt: Explain more.
    kind: long
    answer: Longsecret
    points: 14
  - prompt: Short with points.
    answer: Shortsecret
    points: 3
organizers:
  - kind: chart
    columns: [Leftcol, Rightcol]
    answers: [[Ansleft], [Ansright]]
    points: 4
timeline:
  title: Events
  mode: match
  points: 1
  events:
    - {date: "1957", label: Sputnikevent}
    - {date: "1961", label: Bayofpigsevent}
    - {date: "1963", label: Hotlineevent}
"""
# The rows MIX's sheet prints, in the handout's order: (label, bubbles).
MIX_ROWS = [
    ("1", ["A", "B", "C", "D"]),
    ("2", ["T", "F"]),
    ("4", ["0", "10"]),
    ("4", [str(n) for n in range(10)]),
    ("5", ["0", "1", "2", "3"]),
    ("O1", ["0", "1", "2", "3", "4"]),
    ("T1", ["A", "B", "C"]),
    ("T2", ["A", "B", "C"]),
    ("T3", ["A", "B", "C"]),
]
MIX_SECRETS = [
    "Secretanswer",
    "Longsecret",
    "Shortsecret",
    "Alphaopt",
    "Betaopt",
    "Gammaopt",
    "Deltaopt",
    "Ansleft",
    "Ansright",
    "Sputnikevent",
    "Bayofpigsevent",
    "Hotlineevent",
    "Leftcol",
    "True",
    "False",
    "1957",
    "1961",
]


def events(count: int, word: str = "Event") -> str:
    return "".join(f'    - {{date: "{1900 + n}", label: {word}{n}}}\n' for n in range(1, count + 1))


def timeline_lesson(mode: str, count: int, points: int | None = 1, title: str = "Timeline") -> str:
    points_line = f"  points: {points}\n" if points is not None else ""
    return (
        f"title: {title} lesson\nquestions:\n  - prompt: Pick one.\n    kind: choice\n"
        "    choices: [One, Two]\n    answer: A\n    points: 1\n"
        f"timeline:\n  title: Dates\n  mode: {mode}\n{points_line}  events:\n{events(count)}"
    )


# Every gradable item states its points: the key's total must equal the sheet's maxima.
ALLPOINTS = """\
title: Every item has points
questions:
  - prompt: Choose.
    kind: choice
    choices: [Red, Green, Blue, Cyan, Pink]
    answer: C
    points: 3
  - prompt: True?
    kind: truefalse
    answer: false
    points: 2
  - prompt: Write.
    answer: Words
    points: 25
organizers:
  - kind: chain
    id: causes
    points: 5
    steps:
      - given: Start
      - answer: Then
timeline:
  title: In order
  mode: order
  points: 2
  events:
    - {date: "1950", label: First}
    - {date: "1960", label: Second}
    - {date: "1970", label: Third}
    - {date: "1980", label: Fourth}
"""

ALPHA = """\
title: Alpha lesson
questions:
  - id: q1
    prompt: Alpha choose.
    kind: choice
    choices: [Aone, Atwo, Athree]
    answer: A
    points: 1
  - id: q2
    prompt: Alpha true?
    kind: truefalse
    answer: true
    points: 1
  - id: q3
    prompt: Alpha write.
    answer: Alphasecret
    points: 2
"""
BETA = """\
title: Beta lesson
questions:
  - prompt: Beta choose.
    kind: choice
    choices: [Bone, Btwo, Bthree, Bfour]
    answer: D
    points: 1
timeline:
  title: Beta dates
  mode: order
  points: 1
  events:
    - {date: "1901", label: Betafirst}
    - {date: "1902", label: Betasecond}
    - {date: "1903", label: Betathird}
"""
WEEK = """\
title: Week three quiz
versions: 2
duplex: true
answer_sheets: true
roster: roster.csv
lessons:
  - lesson: alpha
    questions: [q3, q1]
  - beta
"""
ROSTER = "name,section,version\nZed Young,Period 4,B\nAnn Abel,Period 2,\nMia Moss,Period 4,A\n"
QUIZ = "title: Quick quiz\ncopies: 3\nanswer_sheets: true\nlessons:\n  - alpha\n"


def write_project(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def run_build(root: Path, *args: str, out: str = "dist"):
    return invoke("build", str(root / "lessons"), "-o", str(root / out), "-q", *args)


def built(root: Path, *args: str, out: str = "dist"):
    result = run_build(root, *args, out=out)
    assert result.exit_code == 0, result.output
    return result


# --- reading a PDF back --------------------------------------------------------------


@dataclass(frozen=True)
class Char:
    text: str
    left: float  # inches from the paper's left edge
    top: float  # inches from the paper's top edge
    right: float
    bottom: float
    size: float  # points, as printed (font size times the text matrix's scale)
    bold: bool
    box: tuple[float, float, float, float]  # the loose box (advance x ascent-descent), inches

    @property
    def box_centre(self) -> tuple[float, float]:
        """Where the character is set, whatever its ink's shape (J and Q descend)."""
        return (self.box[0] + self.box[2]) / 2, (self.box[1] + self.box[3]) / 2

    @property
    def cx(self) -> float:
        return (self.left + self.right) / 2

    @property
    def cy(self) -> float:
        return (self.top + self.bottom) / 2


@dataclass(frozen=True)
class Word:
    text: str
    left: float
    cy: float
    bold: bool
    chars: tuple[Char, ...]


def page_chars(page) -> list[Char]:
    height = page.get_height()
    textpage = page.get_textpage()
    matrix = pdfium_raw.FS_MATRIX()
    font = ctypes.create_string_buffer(256)
    flags = ctypes.c_int()
    chars = []
    for i in range(textpage.count_chars()):
        text = textpage.get_text_range(i, 1)
        if not text.strip():
            continue
        left, bottom, right, top = textpage.get_charbox(i)
        loose = textpage.get_charbox(i, loose=True)
        box = (loose[0] / PT, (height - loose[3]) / PT, loose[2] / PT, (height - loose[1]) / PT)
        pdfium_raw.FPDFText_GetMatrix(textpage.raw, i, ctypes.byref(matrix))
        scale = abs(matrix.a * matrix.d - matrix.b * matrix.c) ** 0.5
        size = pdfium_raw.FPDFText_GetFontSize(textpage.raw, i) * scale
        pdfium_raw.FPDFText_GetFontInfo(textpage.raw, i, font, 256, ctypes.byref(flags))
        bold = b"Bold" in font.value
        chars.append(
            Char(
                text,
                left / PT,
                (height - top) / PT,
                right / PT,
                (height - bottom) / PT,
                size,
                bold,
                box,
            )
        )
    return chars


def words(chars: list[Char]) -> list[Word]:
    """Runs of characters on one line with no gap wider than a third of their size."""
    found: list[list[Char]] = []
    for char in chars:
        last = found[-1][-1] if found else None
        if (
            last is not None
            and char.top < last.bottom
            and char.bottom > last.top  # on one line
            and -0.02 < char.left - last.right < last.size / PT / 3
            and char.bold == last.bold
        ):
            found[-1].append(char)
        else:
            found.append([char])
    return [
        Word("".join(c.text for c in run), run[0].left, run[0].cy, run[0].bold, tuple(run))
        for run in found
    ]


def rows_printed(pdf: Path, pages: int | None = None) -> list[tuple[str, list[str]]]:
    """Every row below the header as (bold label or heading, the bubble labels after it),
    page by page (the first `pages`, default all), column by column, top to bottom; the
    "teacher's score" note dropped."""
    document = pypdfium2.PdfDocument(str(pdf))
    rows: list[tuple[str, list[str]]] = []
    for number in range(pages or len(document)):
        page = document[number]
        width = page.get_width() / PT
        every = words(page_chars(page))
        if not any(w.text == "cleanly." for w in every):
            continue  # a duplex page left blank
        lowest = max(c.cy for c in header_chars([c for w in every for c in w.chars]))
        found = [w for w in every if w.cy > lowest + 0.05]
        found = [w for w in found if w.text not in ("teacher’s", "score")]
        segments: list[tuple[int, float, float, list[str], list[str]]] = []
        lines: list[list[Word]] = []
        for word in sorted(found, key=lambda w: w.cy):
            if lines and word.cy - lines[-1][0].cy < 0.05:
                lines[-1].append(word)
            else:
                lines.append([word])
        last_right = 0.0
        for word in [w for line in lines for w in sorted(line, key=lambda w: w.left)]:
            same_line = segments and abs(segments[-1][2] - word.cy) < 0.05
            # a heading's next word: bold, on its line, a space after the last, no bubbles yet
            heading_goes_on = same_line and not segments[-1][4] and word.left - last_right < 0.2
            if word.bold and not heading_goes_on:
                column = 1 if word.left > width / 2 else 0
                segments.append((column, word.left, word.cy, [word.text], []))
            elif word.bold:
                segments[-1][3].append(word.text)
            else:
                assert segments and same_line, f"{word.text!r} has no label on its line"
                segments[-1][4].append(word.text)
            last_right = word.chars[-1].right
        segments.sort(key=lambda s: (s[0], s[2]))
        rows += [(" ".join(s[3]), s[4]) for s in segments]
    return rows


def render(pdf: Path, number: int = 0, dpi: int = DPI) -> np.ndarray:
    document = pypdfium2.PdfDocument(str(pdf))
    image = document[number].render(scale=dpi / PT, grayscale=True).to_pil().convert("L")
    return np.asarray(image)


def qr_text(pdf: Path, number: int = 0) -> str:
    from PIL import Image

    found = zxingcpp.read_barcodes(Image.fromarray(render(pdf, number)))
    assert len(found) == 1, f"page {number + 1} of {pdf.name}: {len(found)} codes"
    return found[0].text


def page_count(pdf: Path) -> int:
    return len(pypdfium2.PdfDocument(str(pdf)))


def page_text(pdf: Path, number: int) -> str:
    from pypdf import PdfReader

    return " ".join(PdfReader(pdf).pages[number].extract_text().split())


def sheet_number(text: str) -> int | None:
    """The N of the one "Sheet N" a page prints (stamped on each copy)."""
    found = re.findall(r"\bSheet (\d+)\b", text)
    return int(found[0]) if len(found) == 1 else None


def fingerprint(root: Path, files: list[str], version: str, seed: int = 1) -> str:
    """SPEC §7's fingerprint, computed here from the files themselves."""
    digest = hashlib.sha256()
    for name in files:
        digest.update(name.encode() + b"\n" + (root / name).read_bytes())
    digest.update(f"{version}\n{seed}\n".encode())
    return digest.hexdigest()[:8]


def sheet_layout(
    root: Path,
    large_print: bool = False,
    name: str = "",
    lessons: bool = False,
    copies: int | None = None,
    **build,
):
    """builder.grade's own plan of the answers PDF built from `root/lessons`."""
    from builder.grade.build import SheetOptions, sheet_sets
    from builder.output.pipeline import BuildOptions

    options = SheetOptions(BuildOptions(large_print=large_print, **build), lessons, copies)
    sets, _ = sheet_sets([root / "lessons"], options)
    (sheet_set,) = [s for s in sets if s.large_print == large_print and name in ("", s.name)]
    return sheet_set


# --- the projects, built once ---------------------------------------------------------


@pytest.fixture(scope="module")
def mix(tmp_path_factory) -> Path:
    """MIX built with 2 versions and 4 copies, in regular and large print."""
    root = write_project(tmp_path_factory.mktemp("mix"), {"lessons/mix/lesson.yaml": MIX})
    result = built(root, "--answer-sheets", "--copies", "4", "--versions", "2", "--large-print")
    root.joinpath("build-output.txt").write_text(result.output, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def week(tmp_path_factory) -> Path:
    """Two lessons, a bundle with a roster, 2 versions and duplex, and one with copies."""
    root = write_project(
        tmp_path_factory.mktemp("week"),
        {
            "lessons/alpha/lesson.yaml": ALPHA,
            "lessons/beta/lesson.yaml": BETA,
            "lessons/week-3.bundle.yaml": WEEK,
            "lessons/quiz.bundle.yaml": QUIZ,
            "lessons/roster.csv": ROSTER,
        },
    )
    built(root)  # no --answer-sheets: only the bundles asking print sheets
    return root


# --- which files ----------------------------------------------------------------------


def test_answer_sheets_only_when_asked(mix, tmp_path):
    assert (mix / "dist/mix/mix-answers.pdf").is_file()
    assert (mix / "dist/mix/mix-answers-large.pdf").is_file()
    root = write_project(tmp_path, {"lessons/mix/lesson.yaml": MIX})
    built(root)
    assert (root / "dist/mix/mix-student.pdf").is_file()
    assert not list((root / "dist").rglob("*answers*"))


def test_thirty_copies_per_version_by_default_and_the_same_bytes_twice(tmp_path):
    root = write_project(tmp_path, {"lessons/alpha/lesson.yaml": ALPHA})
    built(root, "--answer-sheets", "--versions", "2")
    built(root, "--answer-sheets", "--versions", "2", "--force", out="again")
    pdf = root / "dist/alpha/alpha-answers.pdf"
    assert page_count(pdf) == 60
    for number, version in ((29, "A"), (30, "B"), (59, "B")):
        assert sheet_number(page_text(pdf, number)) == number + 1
        assert "Name" in page_text(pdf, number)
        assert f"Version {version}" in page_text(pdf, number)
        assert qr_text(pdf, number).split(";")[2:5] == [version, "1", str(number + 1)]
    assert pdf.read_bytes() == (root / "again/alpha/alpha-answers.pdf").read_bytes()


def test_copies_are_numbered_on_across_versions(mix):
    pdf = mix / "dist/mix/mix-answers.pdf"
    assert page_count(pdf) == 8  # one page per sheet
    for number in range(8):
        version = "A" if number < 4 else "B"
        text = page_text(pdf, number)
        assert sheet_number(text) == number + 1 and f"Version {version} " in text, text
        assert "Name" in text and "Page 1 of 1" in text
        fields = qr_text(pdf, number).split(";")
        assert fields[2] == version and fields[4] == str(number + 1), fields


def test_bundle_roster_prints_one_sheet_per_student_in_roster_order(week):
    pdf = week / "dist/week-3/week-3-answers.pdf"
    students = [("Zed Young", "Period 4", "B"), ("Ann Abel", "Period 2", "A")]
    students.append(("Mia Moss", "Period 4", "A"))
    assert page_count(pdf) == 6  # a page each, padded to two for duplex
    for place, (name, section, version) in enumerate(students):
        front = 2 * place
        text = page_text(pdf, front)
        assert f"{name} · {section}" in text and f"Version {version}" in text, text
        assert "Sheet" not in text
        fields = qr_text(pdf, front).split(";")
        assert fields[1:3] == ["week-3", version] and fields[4:7] == [str(place + 1), "1", "1"]
        back = page_text(pdf, front + 1)
        assert "left blank" in back and name not in back
        from PIL import Image

        assert not zxingcpp.read_barcodes(Image.fromarray(render(pdf, front + 1)))


def test_duplex_pads_a_three_page_sheet_and_headings_never_end_a_column(tmp_path):
    def lesson(title: str) -> str:
        questions = "".join(
            f"  - prompt: Q{n}?\n    kind: choice\n    choices: [Yes, No]\n"
            "    answer: A\n    points: 1\n"
            for n in range(1, 31)
        )
        return f"title: {title}\nquestions:\n{questions}"

    bundle = "title: Two long ones\nduplex: true\nanswer_sheets: true\ncopies: 2\n"
    bundle += "large_print: true\nlessons:\n  - first\n  - second\n"
    files = {
        "lessons/first/lesson.yaml": lesson("Firstlesson"),
        "lessons/second/lesson.yaml": lesson("Secondlesson"),
        "lessons/long.bundle.yaml": bundle,
    }
    root = write_project(tmp_path, files)
    built(root)
    pdf = root / "dist/long/long-answers-large.pdf"
    plan = sheet_layout(root, True, name="long")
    pages = len(plan.layout("").pages)
    assert pages % 2 == 1, "the test wants an odd page count"
    assert page_count(pdf) == 2 * (pages + 1)
    for sheet in (0, 1):
        for page in range(pages):
            number = sheet * (pages + 1) + page
            fields = qr_text(pdf, number).split(";")
            assert fields[4:7] == [str(sheet + 1), str(page + 1), str(pages)]
        assert "left blank" in page_text(pdf, sheet * (pages + 1) + pages)
    document = pypdfium2.PdfDocument(str(pdf))
    for number in range(pages):
        found = words(page_chars(document[number]))
        labels = [w for w in found if w.bold and w.text.isdigit()]
        for heading in [w for w in found if w.text in ("Firstlesson", "Secondlesson")]:
            below = [w for w in labels if 0 < w.cy - heading.cy < 0.6]
            below = [w for w in below if abs(w.left - heading.left) < 1.0]
            assert below, f"{heading.text} ends a column on page {number + 1}"
    rows = rows_printed(pdf, pages=pages)
    numbers = [str(n) for n in range(1, 31)]
    labels = [label for label, _ in rows]
    continued = [label for label in labels if label.endswith("(continued)")]
    assert continued  # 60 large-print rows take more than one column
    assert [label for label in labels if label not in continued] == [
        "Firstlesson", *numbers, "Secondlesson", *numbers
    ]
    # each column a lesson goes on in starts with its title: no row without its lesson
    for label in continued:
        after = labels[labels.index(label) + 1]
        assert after.isdigit() and label.split()[0] in ("Firstlesson", "Secondlesson")


def test_bundle_without_roster_prints_its_copies(week):
    pdf = week / "dist/quiz/quiz-answers.pdf"
    assert page_count(pdf) == 3
    for number in range(3):
        assert sheet_number(page_text(pdf, number)) == number + 1
        assert qr_text(pdf, number).split(";")[1:5] == ["quiz", "A", "1", str(number + 1)]


def test_no_sheets_for_single_lessons_or_html(week, tmp_path):
    made = sorted(p.relative_to(week / "dist").as_posix() for p in week.rglob("*answers*"))
    assert made == ["quiz/quiz-answers.pdf", "week-3/week-3-answers.pdf"]
    assert (week / "dist/week-3/lessons").is_dir()
    root = write_project(tmp_path, {"lessons/mix/lesson.yaml": MIX})
    built(root, "--answer-sheets", "--html", "--copies", "1")
    assert list((root / "dist").rglob("*.html")), "--html wrote no HTML at all"
    assert [p.name for p in (root / "dist").rglob("*answers*")] == ["mix-answers.pdf"]


# --- the page ------------------------------------------------------------------------


def dark_box(image: np.ndarray, left: float, top: float, right: float, bottom: float):
    """(left, top, right, bottom, filled share) of the dark pixels in an area, in inches."""
    area = image[round(top * DPI) : round(bottom * DPI), round(left * DPI) : round(right * DPI)]
    ys, xs = np.nonzero(area < 128)
    assert len(xs), "no ink"
    box = (xs.min(), ys.min(), xs.max() + 1, ys.max() + 1)
    filled = (area[box[1] : box[3], box[0] : box[2]] < 128).mean()
    return (
        left + box[0] / DPI,
        top + box[1] / DPI,
        left + box[2] / DPI,
        top + box[3] / DPI,
        filled,
    )


@pytest.mark.parametrize("name", ["mix-answers.pdf", "mix-answers-large.pdf"])
def test_corner_squares_and_clear_edges(mix, name):
    pdf = mix / "dist/mix" / name
    for number in range(page_count(pdf)):
        image = render(pdf, number)
        height, width = image.shape[0] / DPI, image.shape[1] / DPI
        band = round(0.25 * DPI)
        edges = [image[:band], image[-band:], image[:, :band], image[:, -band:]]
        assert min(e.min() for e in edges) > 200, "ink within 0.25 in of the paper's edge"
        reach = 0.7  # the corner areas searched; the QR code starts 0.75 in from the top
        corners = [(0, 0), (width - reach, 0), (width - reach, height - reach)]
        corners.append((0, height - reach))
        for left, top in corners:
            x0, y0, x1, y1, filled = dark_box(image, left, top, left + reach, top + reach)
            assert filled > 0.97, f"corner square not filled ({filled:.2f})"
            assert 0.25 <= x1 - x0 <= 0.35 and 0.25 <= y1 - y0 <= 0.35, (x1 - x0, y1 - y0)
            assert min(x0, y0, width - x1, height - y1) >= 0.3, (x0, y0, x1, y1)


def ring_radii(image: np.ndarray, cx: float, cy: float, inner: float, outer: float):
    """For rays every 15°, from `inner` to `outer` inches off (cx, cy): the distance of
    the farthest dark pixel, in inches (None when a ray finds no ink)."""
    radii = []
    steps = np.arange(inner, outer, 0.25 / DPI)
    for angle in np.radians(np.arange(0, 360, 15)):
        xs = np.round((cx + steps * np.cos(angle)) * DPI).astype(int)
        ys = np.round((cy + steps * np.sin(angle)) * DPI).astype(int)
        dark = np.nonzero(image[ys, xs] < 160)[0]
        radii.append(steps[dark[-1]] + 0.5 / DPI if len(dark) else None)
    return radii


def assert_bubbles(pdf: Path, number: int, layout, low: float, high: float) -> list[float]:
    """Every bubble layout.py places on page `number` is printed there: an empty circle
    `low`-`high` in wide with its label set inside it, centred within 0.02 in. Returns
    the circles' widths."""
    image = render(pdf, number)
    chars = page_chars(pypdfium2.PdfDocument(str(pdf))[number])
    widths, darkest = [], 0.0
    for bubble in layout.bubbles:
        radii = ring_radii(image, bubble.x, bubble.y, 0.05, high / 2 + 0.04)
        assert None not in radii, f"no ring around {bubble}"
        assert max(radii) - min(radii) < 2.5 / DPI, f"not a circle: {radii}"
        widths.append(2 * sum(radii) / len(radii))
        inside = [
            c for c in chars if (c.cx - bubble.x) ** 2 + (c.cy - bubble.y) ** 2 < layout.radius**2
        ]
        assert "".join(c.text for c in inside) == bubble.value, (bubble, inside)
        assert all(
            (c.cx - bubble.x) ** 2 + (c.cy - bubble.y) ** 2 < (layout.radius - 0.02) ** 2
            for c in inside
        ), f"{bubble.value!r} runs into its ring"
        # where the label is set (its advance and ascent-descent box), not its ink: SPEC
        # allows 0.02 in; measured 0-0.004 in on Letter and A4, regular and large print, at
        # every letter A-X, so 0.008 in also catches a label pushed down by the ring (0.01)
        middle = (inside[0].box[0] + inside[-1].box[2]) / 2
        assert abs(middle - bubble.x) < 0.008, (bubble, middle)
        assert all(abs(c.box_centre[1] - bubble.y) < 0.008 for c in inside), (bubble, inside)
        # nothing fills a bubble: the disc inside the ring is mostly white
        r = round(0.8 * layout.radius * DPI)
        y, x = round(bubble.y * DPI), round(bubble.x * DPI)
        yy, xx = np.mgrid[-r : r + 1, -r : r + 1]
        disc = image[y - r : y + r + 1, x - r : x + r + 1][yy**2 + xx**2 <= r * r]
        darkest = max(darkest, float((disc < 128).mean()))
    assert low <= min(widths) and max(widths) <= high, (min(widths), max(widths))
    assert darkest < 0.3, f"a bubble is {darkest:.0%} dark inside"
    return widths


@pytest.mark.parametrize(
    ("name", "large", "low", "high"),
    [("mix-answers.pdf", False, 0.18, 0.25), ("mix-answers-large.pdf", True, 0.30, 0.35)],
)
def test_bubbles_are_empty_circles_with_their_labels_inside(mix, name, large, low, high):
    plan = sheet_layout(mix, large, lessons=True, versions=2, copies=4)
    for number, version in ((0, "A"), (4, "B")):
        layout = plan.layout(version).pages[0]
        assert len(layout.bubbles) == sum(len(values) for _, values in MIX_ROWS)
        assert_bubbles(mix / "dist/mix" / name, number, layout, low, high)


def test_rows_are_labelled_in_the_handouts_order(mix):
    for name in ("mix-answers.pdf", "mix-answers-large.pdf"):
        assert rows_printed(mix / "dist/mix" / name, pages=1) == MIX_ROWS, name


def test_bundle_rows_sit_under_each_lessons_title(week):
    rows = rows_printed(week / "dist/week-3/week-3-answers.pdf", pages=1)
    assert rows[0] == ("Alpha lesson", [])
    # the subset [q3, q1] prints q3 as question 1 (a score of 0-2) and q1 as question 2
    assert rows[1:3] == [("1", ["0", "1", "2"]), ("2", ["A", "B", "C"])]
    assert rows[3] == ("Beta lesson", [])
    assert rows[4:] == [("1", ["A", "B", "C", "D"])] + [
        (f"T{n}", ["1", "2", "3"]) for n in (1, 2, 3)
    ]
    plan = sheet_layout(week, name="week-3")
    for version in ("A", "B"):
        items = [item.column for item in plan.layout(version).items]
        assert items == ["alpha/q3", "alpha/q1", "beta/q1", "beta/timeline"]


def test_many_short_rows_fill_two_columns_then_more_pages(tmp_path):
    questions = "".join(
        f"  - prompt: Question {n}?\n    kind: choice\n    choices: [Yes, No, Maybe]\n"
        f"    answer: A\n    points: 1\n"
        for n in range(1, 61)
    )
    lesson = f"title: Sixty questions\nquestions:\n{questions}"
    root = write_project(tmp_path, {"lessons/sixty/lesson.yaml": lesson})
    built(root, "--answer-sheets", "--copies", "1")
    pdf = root / "dist/sixty/sixty-answers.pdf"
    assert rows_printed(pdf) == [(str(n), ["A", "B", "C"]) for n in range(1, 61)]
    pages = page_count(pdf)
    assert pages == 2
    labels = [w for w in words(page_chars(pypdfium2.PdfDocument(str(pdf))[0])) if w.bold]
    columns = {round(w.left) for w in labels if w.text.isdigit()}
    assert len(columns) == 2, columns  # the first page is full: two columns
    for number in range(pages):
        assert f"Page {number + 1} of 2" in page_text(pdf, number)
        assert qr_text(pdf, number).split(";")[4:7] == ["1", str(number + 1), "2"]


def test_a_bundles_timeline_overrides_reach_its_sheet(tmp_path):
    bundle = "title: F\nanswer_sheets: true\ncopies: 1\nlessons:\n"
    bundle += "  - lesson: beta\n    timeline: {mode: fill}\n  - lesson: mix\n    timeline: false\n"
    files = {"lessons/beta/lesson.yaml": BETA, "lessons/mix/lesson.yaml": MIX}
    root = write_project(tmp_path, {**files, "lessons/fb.bundle.yaml": bundle})
    built(root)
    rows = rows_printed(root / "dist/fb/fb-answers.pdf")
    assert rows == [
        ("Beta lesson", []),
        ("1", ["A", "B", "C", "D"]),
        ("Mixed answer sheet lesson", []),
        *[row for row in MIX_ROWS if not row[0].startswith("T")],
    ]


def test_a_row_too_long_for_its_line_wraps_with_its_label_repeated(tmp_path):
    root = write_project(tmp_path, {"lessons/wide/lesson.yaml": timeline_lesson("match", 24)})
    built(root, "--answer-sheets", "--copies", "1", "--large-print")
    letters = [chr(ord("A") + n) for n in range(24)]
    for name in ("wide-answers.pdf", "wide-answers-large.pdf"):
        pdf = root / "dist/wide" / name
        rows = rows_printed(pdf)
        assert rows[0] == ("1", ["A", "B"])
        for n in range(1, 25):
            parts = [values for label, values in rows if label == f"T{n}"]
            assert len(parts) >= 2 and all(parts), (name, n, parts)
            assert [v for part in parts for v in part] == letters, (name, n, parts)
        assert sum(len(values) for _, values in rows) == 2 + 24 * 24
        pages = page_count(pdf)
        large = name.endswith("-large.pdf")
        layout = sheet_layout(root, large, lessons=True, copies=1).layout("")
        assert len(layout.pages) == pages
        for number in range(pages):
            assert f"Page {number + 1} of {pages}" in page_text(pdf, number)
            assert qr_text(pdf, number).split(";")[5:7] == [str(number + 1), str(pages)]
            low, high = (0.30, 0.35) if large else (0.18, 0.25)
            assert_bubbles(pdf, number, layout.pages[number], low, high)


def test_large_print_text_sizes(mix):
    pdf = mix / "dist/mix/mix-answers-large.pdf"
    plan = sheet_layout(mix, True, lessons=True, versions=2, copies=4)
    page = plan.layout("A").pages[0]
    chars = page_chars(pypdfium2.PdfDocument(str(pdf))[0])
    in_bubble = [
        any((c.cx - b.x) ** 2 + (c.cy - b.y) ** 2 < page.radius**2 for b in page.bubbles)
        for c in chars
    ]
    labels = [c for c, inside in zip(chars, in_bubble, strict=True) if inside]
    others = [c for c, inside in zip(chars, in_bubble, strict=True) if not inside]
    assert min(c.size for c in labels) >= 12 - 0.05
    small = sorted({(round(c.size, 1), c.text) for c in others if c.size < 16 - 0.05})
    assert not small, f"large-print text under 16 pt: {small[:10]}"


def test_regular_print_has_nothing_below_8_pt(mix):
    pdf = mix / "dist/mix/mix-answers.pdf"
    sizes = [c.size for c in page_chars(pypdfium2.PdfDocument(str(pdf))[0])]
    assert min(sizes) >= 8 - 0.05, min(sizes)


def header_chars(chars: list[Char]) -> list[Char]:
    """The characters of the header (title, name, version, instructions), which the page
    prints before any row: everything up to the instructions' last sentence."""
    joined = "".join(c.text for c in chars)
    end = joined.index("cleanly.") + len("cleanly.")
    more = "Rowsofnumbersstartingat0areyourteacher’sscore."
    if joined[end:].startswith(more):
        end += len(more)
    return chars[:end]


@pytest.mark.parametrize("words_in_title", [6, 13, 30])
def test_a_long_title_does_not_run_into_the_rows(tmp_path, words_in_title):
    words_ = [
        "Origins",
        "of",
        "the",
        "Cuban",
        "Missile",
        "Crisis",
        "and",
        "the",
        "thirteen",
        "days",
        "of",
        "October",
        "1962",
    ]
    title = " ".join((words_ * 3)[:words_in_title])
    lesson = MIX.replace("Mixed answer sheet lesson", title)
    root = write_project(tmp_path, {"lessons/long/lesson.yaml": lesson})
    built(root, "--answer-sheets", "--copies", "1", "--large-print")
    for name, large in (("long-answers.pdf", False), ("long-answers-large.pdf", True)):
        plan = sheet_layout(root, large, lessons=True, copies=1)
        page = plan.layout("").pages[0]
        first_row = min(b.y for b in page.bubbles) - page.radius
        first_row = min(first_row, min(t.y for t in page.texts) - page.style.text_font / PT / 2)
        chars = page_chars(pypdfium2.PdfDocument(str(root / "dist/long" / name))[0])
        header = header_chars(chars)
        assert header[0].text == title[0] and header[-1].text == "."
        lowest = max(c.bottom for c in header)
        assert lowest < first_row, (name, lowest, first_row)
        assert rows_printed(root / "dist/long" / name) == MIX_ROWS


def test_a_long_name_and_title_stay_above_the_rows(tmp_path):
    title = "Origins of the Cuban Missile Crisis and the thirteen days of October 1962"
    name = "Maximiliana Alexandrovna Montgomery-Featherstonehaugh"
    roster = f'name,section\n{name},"Period 4, U.S. History Honors"\nAl Bo,P1\n'
    bundle = f"title: {title}\nanswer_sheets: true\nlarge_print: true\nroster: roster.csv\n"
    files = {
        "lessons/mix/lesson.yaml": MIX,
        "lessons/roster.csv": roster,
        "lessons/big.bundle.yaml": bundle + "lessons:\n  - mix\n",
    }
    root = write_project(tmp_path, files)
    built(root)
    for large in (False, True):
        pdf = root / f"dist/big/big-answers{'-large' if large else ''}.pdf"
        page = sheet_layout(root, large, name="big").layout("").pages[0]
        first_row = min(t.y for t in page.texts) - page.style.row / 2
        for number in (0, 1):
            header = header_chars(page_chars(pypdfium2.PdfDocument(str(pdf))[number]))
            lowest = max(c.bottom for c in header)
            assert lowest < first_row, (pdf.name, number, lowest, first_row)
        assert rows_printed(pdf, pages=1) == [("Mixed answer sheet lesson", []), *MIX_ROWS]
        assert name.split()[0] in page_text(pdf, 0) and "Al Bo · P1" in page_text(pdf, 1)
    assert name in page_text(root / "dist/big/big-answers.pdf", 0)


# --- the QR code ---------------------------------------------------------------------


def test_qr_code_fields_and_fingerprint(mix):
    for name, size in (("mix-answers.pdf", "S"), ("mix-answers-large.pdf", "L")):
        pdf = mix / "dist/mix" / name
        for number, version in ((0, "A"), (5, "B")):
            expected = fingerprint(mix, ["lessons/mix/lesson.yaml"], version)
            fields = [
                "LP1",
                "mix",
                version,
                "1",
                str(number + 1),
                "1",
                "1",
                "letter",
                size,
                expected,
            ]
            assert qr_text(pdf, number) == ";".join(fields)


def test_bundle_fingerprint_covers_bundle_lessons_and_roster(week):
    files = [
        "lessons/week-3.bundle.yaml",
        "lessons/alpha/lesson.yaml",
        "lessons/beta/lesson.yaml",
        "lessons/roster.csv",
    ]
    pdf = week / "dist/week-3/week-3-answers.pdf"
    assert qr_text(pdf, 0).split(";")[-1] == fingerprint(week, files, "B")
    assert qr_text(pdf, 2).split(";")[-1] == fingerprint(week, files, "A")
    quiz = ["lessons/quiz.bundle.yaml", "lessons/alpha/lesson.yaml"]
    pdf = week / "dist/quiz/quiz-answers.pdf"
    assert qr_text(pdf, 0).split(";")[-1] == fingerprint(week, quiz, "A")


def test_fingerprint_changes_with_the_lesson(tmp_path):
    root = write_project(tmp_path, {"lessons/mix/lesson.yaml": MIX})
    pdf = root / "dist/mix/mix-answers.pdf"
    built(root, "--answer-sheets", "--copies", "1")
    before = qr_text(pdf)
    root.joinpath("lessons/mix/lesson.yaml").write_text(MIX.replace("Explain more", "Say more"))
    built(root, "--answer-sheets", "--copies", "1")
    after = qr_text(pdf)
    assert before.split(";")[:-1] == after.split(";")[:-1]
    assert before.split(";")[-1] != after.split(";")[-1]
    assert after.split(";")[-1] == fingerprint(root, ["lessons/mix/lesson.yaml"], "A")


@pytest.mark.parametrize(("paper", "size"), [("a4", (8.27, 11.69)), ("legal", (8.5, 14.0))])
def test_other_papers(tmp_path, paper, size):
    root = write_project(tmp_path, {"lessons/mix/lesson.yaml": MIX})
    built(root, "--answer-sheets", "--copies", "1", "--paper", paper, "--large-print")
    for large in ("-large", ""):
        image = render(root / f"dist/mix/mix-answers{large}.pdf")
        band = round(0.25 * DPI)
        edges = [image[:band], image[-band:], image[:, :band], image[:, -band:]]
        assert min(e.min() for e in edges) > 200, "ink within 0.25 in of the paper's edge"
        beside = image[round(1.9 * DPI) :, -round(0.5 * DPI) :]  # below the QR code
        assert beside[: -round(0.7 * DPI)].min() > 200, "ink in the right 0.5 in margin"
    pdf = root / "dist/mix/mix-answers.pdf"
    page = pypdfium2.PdfDocument(str(pdf))[0]
    assert abs(page.get_width() / PT - size[0]) < 0.02
    assert abs(page.get_height() / PT - size[1]) < 0.02
    assert qr_text(pdf).split(";")[7] == paper
    assert rows_printed(pdf) == MIX_ROWS
    image = render(pdf)
    width, height = image.shape[1] / DPI, image.shape[0] / DPI
    *_, filled = dark_box(image, width - 0.7, height - 0.7, width, height)
    assert filled > 0.97


# --- nothing reveals an answer -------------------------------------------------------


def test_sheets_reveal_no_answer(mix):
    pdf = mix / "dist/mix/mix-answers.pdf"
    text = pdf_text(pdf)
    for secret in MIX_SECRETS:
        assert secret not in text, secret
    # version A's and B's sheets differ only where they say which sheet and version
    a, b = page_text(pdf, 0), page_text(pdf, 4)
    assert a.replace("Sheet 1", "Sheet 5").replace("Version A", "Version B") == b
    plan = sheet_layout(mix, False, lessons=True, versions=2, copies=4)
    correct = [item.correct for item in plan.layout("A").items if item.kind == "choice"]
    assert correct != [item.correct for item in plan.layout("B").items if item.kind == "choice"]


def test_sheets_grade_with_the_letters_each_versions_key_prints(mix):
    plan = sheet_layout(mix, False, lessons=True, versions=2, copies=4)
    for version in ("A", "B"):
        key = pdf_text(mix / f"dist/mix/mix-key-{version}.pdf")
        printed = re.search(r"([A-D]) Betaopt ✓ correct", key)
        assert printed, key[:400]
        (choice,) = [item for item in plan.layout(version).items if item.column == "q1"]
        assert choice.correct == (printed.group(1),)
        assert choice.originals[printed.group(1)] == "B"  # the lesson's own letter
        (truefalse,) = [item for item in plan.layout(version).items if item.column == "q2"]
        assert truefalse.correct == ("T",)
        # the match timeline: the key's letter beside each date, in the dates' order
        dates = re.search(r"1957 ([A-C]) A \w+ 1961 ([A-C]) B \w+ 1963 ([A-C]) C", key)
        assert dates, key
        (timeline,) = [item for item in plan.layout(version).items if item.column == "timeline"]
        assert timeline.correct == dates.groups() and timeline.per_row == 1


# --- gradable items and points -------------------------------------------------------


def test_one_point_warnings_name_the_place(mix):
    output = mix.joinpath("build-output.txt").read_text(encoding="utf-8")
    assert "lesson.yaml:8:5: warning: question q2 counts 1 point" in output, output
    plan = sheet_layout(mix, False, lessons=True, versions=2, copies=4)
    points = {item.column: item.points for item in plan.layout("A").items}
    assert points == {"q1": 2, "q2": 1, "q4": 14, "q5": 3, "o1": 4, "timeline": 3}


def test_keys_total_equals_the_sheets_maxima(tmp_path):
    root = write_project(tmp_path, {"lessons/every/lesson.yaml": ALLPOINTS})
    result = built(root, "--answer-sheets", "--copies", "1")
    assert "warning" not in result.output, result.output
    plan = sheet_layout(root, lessons=True, copies=1)
    items = plan.layout("").items
    assert [i.column for i in items] == ["q1", "q2", "q3", "causes", "timeline"]
    total = sum(item.points for item in items)
    assert total == 3 + 2 + 25 + 5 + 2 * 4
    assert f"{total} points in all" in pdf_text(root / "dist/every/every-key.pdf")
    rows = rows_printed(root / "dist/every/every-answers.pdf")
    assert rows[:5] == [
        ("1", ["A", "B", "C", "D", "E"]),
        ("2", ["T", "F"]),
        ("3", ["0", "10", "20"]),
        ("3", [str(n) for n in range(10)]),
        ("CAUSES", [str(n) for n in range(6)]),
    ]
    assert rows[5:] == [(f"T{n}", ["1", "2", "3", "4"]) for n in range(1, 5)]


def test_points_above_99_are_an_error_and_nothing_is_written(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    lesson = MIX.replace("points: 14", "points: 100")
    root = write_project(tmp_path, {"lessons/mix/lesson.yaml": lesson})
    result = run_build(root, "--answer-sheets", "--copies", "1")
    assert result.exit_code == 1, result.output
    assert "lesson.yaml:13:5: error: question q4 is worth 100 points" in result.output
    assert not list((root / "dist").rglob("*answers*"))
    assert "Nothing was written" in result.output


@pytest.mark.parametrize("case", ["points", "bundle name"])
def test_an_answer_sheet_error_writes_no_handouts_either(tmp_path, case):
    if case == "points":
        files = {"lessons/mix/lesson.yaml": MIX.replace("points: 14", "points: 100")}
    else:
        files = {"lessons/alpha/lesson.yaml": ALPHA, "lessons/Week_3.bundle.yaml": QUIZ}
    root = write_project(tmp_path, files)
    result = run_build(root, "--answer-sheets", "--copies", "1")
    assert result.exit_code == 1, result.output
    assert not list((root / "dist").rglob("*.pdf"))


def test_a_bundles_seed_0_from_the_command_line_reaches_its_sheets(week, tmp_path):
    files = ["lessons/week-3.bundle.yaml", "lessons/alpha/lesson.yaml"]
    files += ["lessons/beta/lesson.yaml", "lessons/roster.csv"]
    root = write_project(tmp_path, {name: (week / name).read_text() for name in files})
    built(root, "--seed", "0")
    pdf = root / "dist/week-3/week-3-answers.pdf"
    fields = qr_text(pdf).split(";")
    assert fields[3] == "0" and fields[-1] == fingerprint(root, files, "B", seed=0)
    # and the sheet is graded with the shuffle the handout printed
    plan = sheet_layout(root, name="week-3", seed=0)
    assert plan.seed == 0


@pytest.mark.parametrize(("mode", "count"), [("match", 25), ("order", 13)])
def test_a_timeline_too_long_for_the_sheet_is_left_off_with_a_warning(
    tmp_path, monkeypatch, mode, count
):
    monkeypatch.chdir(tmp_path)
    lesson = timeline_lesson(mode, count)
    root = write_project(tmp_path, {"lessons/long/lesson.yaml": lesson})
    result = built(root, "--answer-sheets", "--copies", "1")
    assert re.search(
        rf"long/lesson.yaml:\d+:\d+: warning: the timeline's {count} events", result.output
    )
    assert rows_printed(root / "dist/long/long-answers.pdf") == [("1", ["A", "B"])]
    # one event fewer fits, without a warning
    lesson = timeline_lesson(mode, count - 1)
    root.joinpath("lessons/long/lesson.yaml").write_text(lesson, encoding="utf-8")
    result = built(root, "--answer-sheets", "--copies", "1")
    assert "warning" not in result.output
    rows = rows_printed(root / "dist/long/long-answers.pdf")
    assert sorted({label for label, _ in rows}) == sorted(
        {"1", *(f"T{n}" for n in range(1, count))}
    )


def test_fill_timelines_and_timelines_without_points_stay_off(tmp_path):
    files = {
        "lessons/filled/lesson.yaml": timeline_lesson("fill", 4, points=2),
        "lessons/unscored/lesson.yaml": timeline_lesson("order", 4, points=None),
    }
    root = write_project(tmp_path, files)
    result = built(root, "--answer-sheets", "--copies", "1")
    assert "timeline" not in result.output
    for slug in ("filled", "unscored"):
        assert rows_printed(root / f"dist/{slug}/{slug}-answers.pdf") == [("1", ["A", "B"])]


def test_a_lesson_with_nothing_to_grade_prints_no_blank_sheets(tmp_path):
    plain = "title: Nothing to grade\nquestions:\n  - prompt: Think.\n    answer: Yes\n"
    bundle = "title: Plain\nanswer_sheets: true\nlessons:\n  - plain\n"
    files = {
        "lessons/plain/lesson.yaml": plain,
        "lessons/mix/lesson.yaml": MIX,
        "lessons/plainly.bundle.yaml": bundle,
    }
    root = write_project(tmp_path, files)
    result = built(root, "--answer-sheets", "--copies", "1")
    assert "lesson 'plain' has nothing an answer sheet grades" in result.output
    assert "bundle 'plainly' has nothing an answer sheet grades" in result.output
    made = sorted(p.name for p in (root / "dist").rglob("*answers*"))
    assert made == ["mix-answers.pdf"]
    strict = run_build(root, "--answer-sheets", "--strict")
    assert strict.exit_code == 1
    assert "error: lesson 'plain' has nothing an answer sheet grades" in strict.output


def test_a_bundle_with_sheets_needs_a_slug_name(tmp_path):
    bundle = QUIZ.replace("Quick quiz", "Week")
    files = {"lessons/alpha/lesson.yaml": ALPHA, "lessons/Week_3.bundle.yaml": bundle}
    root = write_project(tmp_path, files)
    result = run_build(root)
    assert result.exit_code == 1, result.output
    assert "Week_3.bundle.yaml" in result.output and "slug" in result.output
    assert not list((root / "dist").rglob("*answers*"))


# --- SPEC §4 -------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["mix/mix-answers.pdf", "mix/mix-answers-large.pdf", "WEEK"])
def test_pdfcheck_passes(mix, week, name):
    pdf = week / "dist/week-3/week-3-answers.pdf" if name == "WEEK" else mix / "dist" / name
    checker = REPO.parent / "shared" / "tools" / "pdfcheck.py"  # ../shared, as CI has it
    done = subprocess.run(
        [sys.executable, str(checker), str(pdf)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert ": ok" in done.stdout and "tagged=yes" in done.stdout and "lang=en" in done.stdout
    from pypdf import PdfReader

    assert PdfReader(pdf).metadata.title.endswith("Answer sheets")
