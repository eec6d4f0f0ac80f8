"""Sections flow and pages fill before they turn (SPEC §4, issue 14): each rule is read
back from the PDFs: the page and the height where a section starts, the free space at
the foot of each page, page counts, and the warning for a page left short on purpose."""

from __future__ import annotations

import re
import shutil
import textwrap

import pytest
from conftest import SAMPLE, SLUG, invoke

TEXT_HEIGHT_IN = 11 - 0.7 - 0.75  # Letter, lesson.css margins

EVENTS = [
    ("1882", "The Triple Alliance is signed"),
    ("1894", "France and Russia become allies"),
    ("1904", "The Entente Cordiale joins Britain and France"),
    ("1905", "The first Moroccan crisis"),
    ("1907", "The Triple Entente is complete"),
    ("1908", "Austria-Hungary annexes Bosnia"),
    ("1911", "The second Moroccan crisis"),
    ("1912", "The first Balkan war begins"),
    ("1913", "The second Balkan war"),
    ("1914-06-28", "Franz Ferdinand is shot in Sarajevo"),
    ("1914-07-28", "Austria-Hungary declares war on Serbia"),
    ("1914-08-04", "Britain declares war on Germany"),
]


def _question(n: int, lines: int = 4, rubric: bool = False) -> str:
    text = (
        f"  - id: q{n}\n    prompt: Question number {n} about the war.\n"
        f"    lines: {lines}\n    points: 1\n    answer: Answer number {n}.\n"
    )
    if rubric:
        text += (
            "    rubric:\n      - {points: 1, label: Full, descriptor: A correct answer.}\n"
            "      - {points: 0, label: None, descriptor: No answer.}\n"
        )
    return text


def _lesson(title: str, questions: str, extra: str = "", events: int = 12) -> str:
    timeline = "".join(
        f"    - {{date: '{date}', label: {label}}}\n" for date, label in EVENTS[:events]
    )
    return f"title: {title}\n{extra}questions:\n{questions}" + (
        f"timeline:\n  title: The road to war\n  events:\n{timeline}" if events else ""
    )


# Three 4-line questions leave a third of page 1 free: room for the timeline's heading
# and its first rows, not for all twelve (the old stylesheet moved it whole).
FLOW = _lesson("Sections that flow", "".join(_question(n) for n in (1, 2, 3)))
LESSONS = {
    "flow": FLOW,
    **{
        f"flow-{mode}": FLOW.replace("timeline:\n", f"timeline:\n  mode: {mode}\n")
        for mode in ("fill", "match")
    },
    "fresh": _lesson(
        "A fresh page", "".join(_question(n) for n in (1, 2, 3)), "page_break_before: timeline\n"
    ),
    # Eight questions with rubrics: the key's rubrics start on the page the questions end.
    "rubrics": _lesson(
        "Eight questions with rubrics",
        "".join(_question(n, lines=3, rubric=True) for n in range(1, 9)),
        events=0,
    ),
    # A half page of questions, then one whose 20 writing lines (6.9 in) cannot fit.
    "tall": _lesson(
        "A tall question",
        "".join(_question(n) for n in (1, 2)) + _question(3, lines=20),
        events=0,
    ),
}
BUNDLE = """\
title: Week of the war
cover: false
lessons:
  - lesson: flow
    page_break_before: [questions]
  - lesson: fresh
    page_break_before: []
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory):
    root = tmp_path_factory.mktemp("flow")
    for slug, text in LESSONS.items():
        (root / "lessons" / slug).mkdir(parents=True)
        (root / "lessons" / slug / "lesson.yaml").write_text(text, encoding="utf-8")
    (root / "lessons" / "week.bundle.yaml").write_text(BUNDLE, encoding="utf-8")
    shutil.copytree(SAMPLE, root / "lessons" / SLUG)
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(root)
        result = invoke("build", "--strict")  # a sparse page would be an error
    assert result.exit_code == 0, result.stderr
    return root


def _pdf(project, slug: str, variant: str = "student"):
    return project / "dist" / slug / f"{slug}-{variant}.pdf"


def find(pdf, text: str) -> list[tuple[int, float]]:
    """Every place `text` is printed: (page number, inches from the top of the paper to
    the top of its first character)."""
    import pypdfium2

    found = []
    document = pypdfium2.PdfDocument(str(pdf))
    for index in range(len(document)):
        page = document[index]
        textpage = page.get_textpage()
        searcher = textpage.search(text, match_case=True)
        while (hit := searcher.get_next()) is not None:
            top = textpage.get_charbox(hit[0])[3]
            found.append((index + 1, (page.get_height() - top) / 72))
    return found


def foot_space(pdf) -> list[float]:
    """Per page, inches between the lowest ink of the body (text, rules, writing lines)
    and the foot of the text area; the footer below it is left out."""
    import pypdfium2

    document = pypdfium2.PdfDocument(str(pdf))
    spaces = []
    for index in range(len(document)):
        image = document[index].render(scale=1).to_pil().convert("L")  # 72 dpi
        foot = image.height - round(0.75 * 72)
        rows = [
            y for y in range(foot) if image.crop((0, y, image.width, y + 1)).getextrema()[0] < 250
        ]
        spaces.append((foot - max(rows) - 1) / 72)
    return spaces


@pytest.mark.parametrize("slug", ["flow", "flow-fill", "flow-match"])
def test_the_timeline_follows_the_questions_and_breaks_between_rows(slug, project):
    pdf = _pdf(project, slug)
    [(page, _)] = find(pdf, "The road to war")
    assert page == 1  # on the page the questions end, not moved whole to page 2
    assert {p for p, _ in find(pdf, "EVENT")} == {1, 2}  # the header row, repeated
    # Every event once in the table (fill mode's drawing on page 3 labels them again).
    pages = [[hit for hit in find(pdf, label) if hit[0] <= 2] for _, label in EVENTS]
    assert all(len(p) == 1 for p in pages)
    assert {p[0][0] for p in pages} == {1, 2}
    # The student sheet ends there; fill mode adds its drawing of blank markers.
    assert len(foot_space(pdf)) == (3 if slug == "flow-fill" else 2)


def test_no_page_but_the_last_ends_more_than_40_percent_empty(project):
    for pdf in (
        _pdf(project, "flow"),
        _pdf(project, "rubrics", "key"),
        _pdf(project, SLUG),
        _pdf(project, SLUG, "key"),
    ):
        spaces = foot_space(pdf)
        assert all(space < 0.4 * TEXT_HEIGHT_IN for space in spaces[:-1]), (pdf.name, spaces)


def test_the_sample_keeps_its_page_counts(project):
    # 7 and 9 before its four organizers (issue 15), which take two pages more
    assert len(foot_space(_pdf(project, SLUG))) == 9
    assert len(foot_space(_pdf(project, SLUG, "key"))) == 11


def test_page_break_before_starts_the_section_on_a_fresh_page(project):
    pdf = _pdf(project, "fresh")
    [(page, top)] = find(pdf, "The road to war")
    assert page == 2 and top < 1.0  # at the top of page 2: the margin is 0.7 in
    assert foot_space(pdf)[0] > 0.3 * TEXT_HEIGHT_IN  # page 1 left short, on purpose
    # ... and `build --strict` (the fixture) accepted it: no sparse-page warning.


def test_a_bundle_entry_sets_its_own_page_breaks(project):
    bundle = project / "dist" / "week"
    [pdf] = bundle.glob("week-student*.pdf")
    # flow: the entry asks for the questions on a fresh page (the lesson does not).
    [(page, top)] = find(pdf, "Question number 1 about")[:1]
    assert page == 2 and top < 1.5
    # fresh: the entry's empty list replaces the lesson's own page break.
    starts = find(pdf, "A fresh page")
    headings = find(pdf, "The road to war")
    assert headings[1][0] == starts[0][0]  # the same page as the lesson's questions


def test_the_keys_rubrics_start_where_the_questions_end(project):
    pdf = _pdf(project, "rubrics", "key")
    last_question = find(pdf, "Question number 8 about")[0][0]
    assert find(pdf, "Rubrics")[0][0] == last_question
    assert find(pdf, "Points")[-1][0] == len(foot_space(pdf))  # the table, at the end


def test_a_question_that_cannot_fit_is_no_sparse_page(project):
    pdf = _pdf(project, "tall")
    assert find(pdf, "Question number 3 about")[0][0] == 2
    assert foot_space(pdf)[0] > 0.4 * TEXT_HEIGHT_IN  # exempt: built under --strict


def test_a_forced_page_break_is_a_warning_naming_the_block_that_moved(tmp_path, monkeypatch):
    folder = tmp_path / "lessons" / "flow"
    folder.mkdir(parents=True)
    two = _lesson("Two questions", "".join(_question(n) for n in (1, 2)))
    (folder / "lesson.yaml").write_text(two, encoding="utf-8")  # page 1 half empty
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "custom.css").write_text(".timeline { break-before: page; }\n")
    monkeypatch.chdir(tmp_path)
    result = invoke("check", "--strict")
    assert result.exit_code == 1
    assert "the student sheet's page 1 ends" in result.stderr
    assert "'The road to war' and a table row" in result.stderr
    assert "lesson.yaml" in result.stderr
    built = invoke("build")
    assert built.exit_code == 0  # a warning without --strict: the PDFs are written
    assert "warning: the student sheet's page 1 ends" in built.stderr
    assert (tmp_path / "dist" / "flow" / "flow-student.pdf").exists()


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (
            "[quiz]",
            "'page_break_before' must be one of readings, questions, organizers, "
            "timeline, not 'quiz'",
        ),
        ("{timeline: true}", "'page_break_before' must be a list"),
    ],
)
def test_page_break_before_names_only_sections(value, message, write_lesson, cli):
    write_lesson(
        "bad",
        textwrap.dedent(FLOW).replace(
            "questions:\n", f"page_break_before: {value}\nquestions:\n", 1
        ),
    )
    result = cli("check")
    assert result.exit_code == 1
    assert "lesson.yaml:2:" in result.stderr and message in result.stderr


def test_a_heading_left_by_a_question_a_page_tall_says_what_to_do(write_lesson, cli):
    # In large print, 14 lines (7 in) and a long prompt fill a Letter page: its group
    # heading cannot go with it. The warning names the question and the fix.
    prompt = " ".join(["Explain what the documents say about the war, and why."] * 6)
    write_lesson(
        "tall",
        f"title: T\nquestions:\n  - prompt: Short one?\n    answer: Yes.\n"
        f"  - prompt: {prompt}\n    group: Extended response\n    lines: 14\n"
        f"    answer: A long answer.\n",
    )
    result = cli("build", "--large-print", "--no-key")
    assert result.exit_code == 0, result.stderr
    found = re.search(
        r"warning: the heading 'Extended response' at the foot of the large-print student "
        r"sheet's page (\d+), apart from what follows it: question 2 fills page (\d+) "
        r"alone, so the heading cannot go with it; lower its 'lines'",
        result.stderr,
    )
    assert found and int(found[2]) == int(found[1]) + 1, result.stderr
