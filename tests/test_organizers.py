"""Organizers (SPEC §2): sourcing charts in each method, corroboration grids, charts and
chains, read back from the PDFs a teacher prints.

The student sheet prints every prompt, header and given step and no answer; the key
prints every answer inside its cell, and its rows and columns sit where the student's
do whenever the answers fit. Positions come from pdfium's character boxes; the lesson
written for these tests fills each cell with a token that names its cell, so a token
found in the wrong column or row fails.
"""

from __future__ import annotations

import itertools
import re
import textwrap
from pathlib import Path

import pypdfium2
import pytest
from conftest import SAMPLE, SLUG, invoke, pdf_text

from builder import BuildOptions, build

METHOD_COLUMNS = {
    "basic": ["Author", "Date", "Audience", "Purpose"],
    "hipp": ["Historical context", "Intended audience", "Purpose", "Point of view"],
    "soapstone": ["Speaker", "Occasion", "Audience", "Purpose", "Subject", "Tone"],
    "apparts": [
        "Author",
        "Place and time",
        "Prior knowledge",
        "Audience",
        "Reason",
        "The main idea",
        "Significance",
    ],
}
FIELDS = [
    "author",
    "date",
    "place",
    "occasion",
    "audience",
    "purpose",
    "point_of_view",
    "context",
    "subject",
    "tone",
    "main_idea",
    "significance",
    "prior_knowledge",
]
COLUMN_FIELDS = {  # the key's cell for each column shows these fields' tokens
    "Author": ["author"],
    "Speaker": ["author"],
    "Date": ["date"],
    "Place and time": ["place", "date"],
    "Occasion": ["occasion"],
    "Audience": ["audience"],
    "Intended audience": ["audience"],
    "Purpose": ["purpose"],
    "Reason": ["purpose"],
    "Point of view": ["point_of_view"],
    "Historical context": ["context"],
    "Subject": ["subject"],
    "Tone": ["tone"],
    "The main idea": ["main_idea"],
    "Significance": ["significance"],
    "Prior knowledge": ["prior_knowledge"],
}
READINGS = ["alpha", "beta", "gamma"]


CODES = dict(
    zip(
        FIELDS,
        ["au", "da", "pl", "oc", "ad", "pu", "pv", "cx", "su", "to", "mi", "si", "pk"],
        strict=True,
    )
)


def token(reading: str, field: str) -> str:
    """A short word that names its cell and wraps nowhere: 'Qalpv' for alpha's point of
    view."""
    return "Q" + reading[:2] + CODES[field]


def organizer_lesson(method: str) -> str:
    readings = ""
    for rid in READINGS:
        fields = "\n".join(f"      {f}: {token(rid, f)}" for f in FIELDS)
        readings += (
            f"  - id: {rid}\n    title: Title of {rid}\n    source: Source of {rid}\n"
            f"    text: The text of {rid}.\n    sourcing:\n{fields}\n"
        )
    return f"title: Organizers for a test\nreadings:\n{readings}" + textwrap.dedent(
        f"""\
            questions:
              - prompt: Read the documents.
                answer: Done.
                points: 2
            organizers:
              - kind: sourcing
                method: {method}
                points: 6
              - kind: corroboration
                claims:
                  - text: Claimone is true.
                    answers: {{alpha: supports, beta: contradicts, gamma: silent}}
                    note: Noteone evidence
                  - text: Claimtwo is true.
                    answers: {{alpha: silent, beta: supports, gamma: contradicts}}
              - kind: chart
                columns: [Leftcol, Midcol, Rightcol]
                rows: 5
                answers: [[Ansleftone, Anslefttwo], [Ansmidone], [Ansrightone]]
              - kind: chain
                steps:
                  - given: Givenstep one
                  - answer: Answerstep two
                  - answer: Answerstep three
            """
    )


def write_project(root: Path, method: str) -> Path:
    folder = root / "lessons" / "organizers"
    folder.mkdir(parents=True)
    (folder / "lesson.yaml").write_text(organizer_lesson(method), encoding="utf-8")
    return root


def built(root: Path, paper: str = "letter", large_print: bool = False) -> tuple[Path, Path]:
    result = build(
        [root / "lessons"],
        BuildOptions(out_dir=root / f"dist-{paper}", paper=paper, large_print=large_print),
    )
    suffix = "-large" if large_print else ""
    pdfs = {o.path.name: o.path for o in result.outputs}
    assert not [p for p in result.problems if p.severity == "error"], result.problems
    return pdfs[f"organizers-student{suffix}.pdf"], pdfs[f"organizers-key{suffix}.pdf"]


def places(pdf: Path, needle: str, within: tuple = ()) -> list[tuple[int, float, float]]:
    """Every place `needle` is printed: (page, x of its first character's left edge, y of
    its top), in points, y growing down the page; only between the places `within`."""
    found = []
    document = pypdfium2.PdfDocument(str(pdf))
    for number in range(len(document)):
        page = document[number]
        height = page.get_height()
        text = page.get_textpage()
        searcher = text.search(needle, match_case=True, match_whole_word=False)
        while (hit := searcher.get_next()) is not None:
            left, _, _, top = text.get_charbox(hit[0])
            found.append((number + 1, round(left, 1), round(height - top, 1)))
    if within:
        start, end = within
        found = [f for f in found if (start[0], start[2]) < (f[0], f[2]) < (end[0], end[2])]
    return found


def place(pdf: Path, needle: str, within: tuple = ()) -> tuple[int, float, float]:
    """The one place `needle` is printed, between the (page, x, y) places `within`."""
    found = places(pdf, needle, within)
    assert len(found) == 1, f"{needle!r} printed {len(found)} times in {pdf.name}: {found}"
    return found[0]


@pytest.fixture(scope="module", params=sorted(METHOD_COLUMNS))
def method_build(request, tmp_path_factory):
    root = write_project(tmp_path_factory.mktemp(request.param), request.param)
    return request.param, *built(root)


def test_student_sheet_prints_prompts_and_no_answers(method_build):
    method, student, _ = method_build
    text = pdf_text(student)
    for heading in [
        "Sourcing the documents",
        "Corroboration: do the documents agree?",
        "Leftcol, Midcol and Rightcol",  # a chart's default title
        "Cause and effect",
        "Claimone is true.",
        "Givenstep one",
        *METHOD_COLUMNS[method],
    ]:
        assert heading in text, heading
    for rid in READINGS:
        assert f"Title of {rid}" in text and f"Source of {rid}" in text
    from builder.compose.organizers import DEFAULT_INSTRUCTIONS

    text = text.replace(DEFAULT_INSTRUCTIONS["corroboration"], "")  # names the three words
    answers = re.findall(
        r"Q(?:al|be|ga)[a-z]{2}|Ans\w+|Answerstep|Noteone|supports|contradicts|silent", text
    )
    assert answers == [], f"the student sheet shows answers: {answers}"


def section(pdf: Path, title: str, following: str) -> tuple:
    """From the first place `title` is printed to the first of `following`."""
    return places(pdf, title)[0], places(pdf, following)[0]


def test_key_fills_every_cell_in_its_row_and_column(method_build):
    method, _student, key = method_build
    columns = METHOD_COLUMNS[method]
    chart = section(key, "Sourcing the documents", "Corroboration: do")
    heads = {label: places(key, label, chart) for label in columns}
    one_table = all(len(found) == 1 for found in heads.values())  # prompts across the top
    heads = {label: found[0] for label, found in heads.items()}
    for rid in READINGS:
        row = place(key, f"Title of {rid}", chart)
        for label in columns:
            for field in COLUMN_FIELDS[label]:
                page, x, y = place(key, token(rid, field))
                if one_table:  # below its column's header, beside its document
                    _, head_x, _ = heads[label]
                    right = min([hx for _, hx, _ in heads.values() if hx > head_x] or [9e9])
                    assert head_x - 8 <= x < right, (rid, label, x, head_x, right)
                    assert (page, 0) <= (row[0], 0) and abs(y - row[2]) < 40, (rid, label)
                else:  # one table per document: the prompts down the side, in order
                    assert page == row[0] and y > row[2]
    # the fields the method does not ask for are not printed
    shown = {f for label in columns for f in COLUMN_FIELDS[label]}
    for field in set(FIELDS) - shown:
        assert not places(key, token("alpha", field)), field


def test_key_rows_and_headers_sit_where_the_students_do(method_build):
    """The cells line up: every header and row head at the same place on both sheets
    (the answers in this lesson fit the student's cells)."""
    _, student, key = method_build
    for needle in ["Sourcing the documents", "Claimone", *(f"Title of {r}" for r in READINGS)]:
        s_page, s_x, s_y = place(student, needle, section(student, "Questions", "Cause and"))
        k_page, k_x, k_y = place(key, needle, section(key, "Questions", "Cause and"))
        assert s_page == k_page and abs(s_x - k_x) < 0.5 and abs(s_y - k_y) < 0.5, needle


def test_sourcing_chart_form_depends_on_the_room_for_its_columns(method_build):
    """Columns at least 0.9 in wide (SPEC §2): 4 and 6 prompts fit Letter as one table,
    APPARTS's 7 print as one table per document, the prompts as rows."""
    method, student, _ = method_build
    chart = section(student, "Sourcing the documents", "Corroboration: do")
    if method == "apparts":
        for label in METHOD_COLUMNS[method]:
            assert len(places(student, label, chart)) == len(READINGS)  # once per document
    else:
        heads = [place(student, label, chart) for label in METHOD_COLUMNS[method]]
        assert max(y for _, _, y in heads) - min(y for _, _, y in heads) < 20  # one row
        xs = sorted(x for _, x, _ in heads)
        assert min(b - a for a, b in itertools.pairwise(xs)) >= 0.9 * 72 - 1


def test_corroboration_chart_and_chain_keys(method_build):
    _, student, key = method_build
    claim_one, claim_two = place(key, "Claimone"), place(key, "Claimtwo")
    grid = section(key, "Corroboration: do", "Claimone")
    documents = {label: place(key, f"Document {label}", grid) for label in "ABC"}
    expected = {  # claim -> the word under each document
        claim_one: ["supports", "contradicts", "silent"],
        claim_two: ["silent", "supports", "contradicts"],
    }
    for claim, words in expected.items():
        for label, word in zip("ABC", words, strict=True):
            _, x, _ = documents[label]
            assert any(
                abs(wx - x) < 10 and abs(wy - claim[2]) < 6
                for page, wx, wy in places(key, word)
                if page == claim[0]
            ), (claim, label, word)
    note = place(key, "Noteone")
    assert abs(note[1] - claim_one[1]) < 2 and claim_one[2] < note[2] < claim_two[2]
    # the chart: answers in their columns, in order down the rows
    for column, answers in {
        "Leftcol": ["Ansleftone", "Anslefttwo"],
        "Midcol": ["Ansmidone"],
        "Rightcol": ["Ansrightone"],
    }.items():
        _, head_x, head_y = place(key, column, section(key, "Leftcol, Midcol and", "Cause and"))
        ys = []
        for answer in answers:
            _, x, y = place(key, answer)
            assert abs(x - head_x) < 10 and y > head_y
            ys.append(y)
        assert ys == sorted(ys)
    # the chain: the given step on both sheets, the answers on the key only, in order
    assert place(student, "Givenstep")[1:] == place(key, "Givenstep")[1:]
    given, two, three = place(key, "Givenstep"), place(key, "Answerstep two"), None
    three = place(key, "Answerstep three")
    assert given[1] < two[1] < three[1] and abs(given[2] - two[2]) < 30


def test_student_chart_prints_its_blank_rows(tmp_path, cli, monkeypatch):
    """`rows: 5` gives 5 rows to write in; the key adds rows when answers outnumber them."""
    write_project(tmp_path, "basic")
    yaml = tmp_path / "lessons" / "organizers" / "lesson.yaml"
    yaml.write_text(
        yaml.read_text().replace("rows: 5", "rows: 1"), encoding="utf-8"
    )  # 2 answers in Leftcol: the key needs 2 rows
    monkeypatch.chdir(tmp_path)
    assert invoke("build", "--html", "-o", "html").exit_code == 0
    for sheet, rows in (("student", 1), ("key", 2)):
        page = (tmp_path / "html" / "organizers" / f"organizers-{sheet}.html").read_text()
        chart = page.split('class="organizer kind-chart')[1].split("</table>")[0]
        assert chart.count("<tr>") == 1 + rows, sheet  # the header row and the rows
    write_project(tmp_path / "five", "basic")
    student, _ = built(tmp_path / "five")
    _, _x, top = place(student, "Leftcol", section(student, "Leftcol, Midcol and", "Cause and"))
    _, _, below = place(student, "Cause and effect")
    # five rows of two wide-ruled lines each lie between the header and the next title
    assert below - top > 5 * 2 * 11 / 32 * 72


def test_points_count_in_the_score_and_the_points_table(method_build):
    _, student, key = method_build
    assert "Score / 8" in pdf_text(student).replace("_", "").replace("  ", " ")
    key_text = pdf_text(key)
    assert "8 points in all" in key_text
    assert "O1 (Sourcing the documents) 6" in key_text
    assert "O2 (Corroboration: do the documents agree?) —" in key_text


# --- the sample lesson, on Letter and A4 ------------------------------------------


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_sample_organizers_student_and_key(sample_build, paper):
    folder = sample_build[paper]
    student = pdf_text(folder / f"{SLUG}-student.pdf")
    key = pdf_text(folder / f"{SLUG}-key.pdf")
    for heading in [
        "Sourcing the documents",
        "Historical context",
        "Point of view",
        "Corroboration: do the documents agree?",
        "The missiles were sent to defend Cuba.",
        "Soviet motives and U.S. aims",
        "How the crisis escalated",
        "Sputnik is launched (1957)",
    ]:
        assert heading in student and heading in key, heading
    for answer in [
        "Sympathetic to the Soviet and Cuban side",
        "Defend Cuba from a U.S. invasion",
        "End the crisis without war",
        "and build up U.S. missiles",
        "citing declassified invasion plans",
    ]:
        assert answer not in student and answer in key, answer
    # the notes cite the printed line numbers, never the raw reference
    assert "{line:" not in key
    assert re.search(r"Document A, line \d+, citing declassified", key)


def test_sample_organizers_are_print_ready(sample_build):
    from conftest import assert_print_ready

    assert_print_ready(sample_build["letter"] / f"{SLUG}-key.pdf")


# --- bundles, versions, large print, HTML ----------------------------------------


def test_bundle_can_leave_organizers_out_and_narrows_the_grid(tmp_path, monkeypatch):
    write_project(tmp_path, "hipp")
    other = tmp_path / "lessons" / "other"
    other.mkdir()
    (other / "lesson.yaml").write_text(organizer_lesson("basic"), encoding="utf-8")
    (tmp_path / "lessons" / "week.bundle.yaml").write_text(
        textwrap.dedent(
            """\
            title: Week
            lessons:
              - lesson: organizers
                readings: [beta]
              - lesson: other
                organizers: false
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.chdir(tmp_path)
    result = invoke("build", "lessons/week.bundle.yaml", "-o", "out")
    assert result.exit_code == 0, result.output
    first = pdf_text(tmp_path / "out" / "week" / "lessons" / "organizers-key.pdf")
    # beta, printed alone, is Document A: one column and one row; the others' answers
    # (beta contradicts claim one, supports claim two) are left out
    assert "Document B" not in first and "Title of alpha" not in first
    assert token("beta", "audience") in first and token("alpha", "audience") not in first
    grid = first.split("Corroboration: do the documents agree?")[1]
    assert (
        "Claim Document A Claimone is true. Noteone evidence contradicts Claimtwo is true. "
        "supports" in grid
    )
    assert "silent" not in grid.split("evidence.", 1)[1].split("Leftcol")[0]
    assert "O1 (Sourcing the documents) 6" in first  # ids and points as in the lesson
    second = pdf_text(tmp_path / "out" / "week" / "lessons" / "other-key.pdf")
    assert "Sourcing the documents" not in second and "Cause and effect" not in second
    assert "Answer key · 2 points in all" in second  # the organizers' points go with them


def test_versions_print_the_same_organizers(tmp_path, monkeypatch):
    write_project(tmp_path, "basic")
    monkeypatch.chdir(tmp_path)
    assert invoke("build", "--versions", "2", "-o", "out").exit_code == 0
    folder = tmp_path / "out" / "organizers"
    keys = [pdf_text(folder / f"organizers-key-{v}.pdf") for v in "AB"]
    parts = [k.split("Sourcing the documents", 1)[1] for k in keys]
    assert parts[0] == parts[1].replace("Version B", "Version A")


def test_soapstone_fits_letter_as_one_table_but_not_a4(tmp_path):
    """Six prompts need 1.5 + 6 × 0.9 = 6.9 in: Letter's 7 in between the margins holds
    them, A4's 6.77 in does not, so A4 prints one table per document."""
    write_project(tmp_path, "soapstone")
    student, key = built(tmp_path, paper="a4")
    chart = section(student, "Sourcing the documents", "Corroboration: do")
    for label in METHOD_COLUMNS["soapstone"]:
        assert len(places(student, label, chart)) == len(READINGS), label
    for rid in READINGS:
        assert place(key, token(rid, "tone"))


def test_large_print_uses_one_table_per_document(tmp_path):
    write_project(tmp_path, "hipp")
    student, key = built(tmp_path, large_print=True)
    for label in METHOD_COLUMNS["hipp"]:
        assert len(places(student, label)) == len(READINGS)
    for rid in READINGS:
        assert place(key, token(rid, "context"))


def test_html_pages_hold_the_organizers(tmp_path, monkeypatch):
    write_project(tmp_path, "basic")
    monkeypatch.chdir(tmp_path)
    assert invoke("build", "--html", "-o", "out").exit_code == 0
    student = (tmp_path / "out" / "organizers" / "organizers-student.html").read_text()
    key = (tmp_path / "out" / "organizers" / "organizers-key.html").read_text()
    assert 'aria-label="Organizers"' in student and token("alpha", "author") not in student
    assert token("alpha", "author") in key and "Answerstep two" in key
    assert '<th scope="col">Author</th>' in student


def test_an_organizer_taller_than_a_page_is_a_layout_warning(write_lesson, cli):
    claims = "".join(
        f"      - text: Claim number {i} about the documents.\n        answers: {{a: supports}}\n"
        for i in range(30)
    )
    write_lesson(
        "tall",
        "title: Tall\nreadings:\n  - id: a\n    text: Hello.\norganizers:\n"
        "  - kind: corroboration\n    claims:\n" + claims,
    )
    result = cli("build", "lessons", "-o", "out")
    assert result.exit_code == 0
    assert "organizer o1 ('Corroboration: do the documents agree?') is taller than a page" in (
        result.stderr
    )
    # it starts under the document, on page 1, instead of leaving page 1 nearly empty
    [(page, _, _)] = places(Path("out/tall/tall-student.pdf"), "Corroboration: do the")
    assert page == 1
    assert cli("build", "lessons", "-o", "out2", "--strict").exit_code == 1


# --- errors and warnings: file:line:col and what to do -----------------------------

BASE = """\
title: Errors
readings:
  - id: origins
    text: Text.
    sourcing:
      author: Someone
  - id: us-aims
    text: Text.
organizers:
"""

ERRORS = [
    (
        "  - kind: chrt\n",
        "10:5: error: organizers: 'kind' must be one of sourcing, corroboration, chart, "
        "chain, not 'chrt'; did you mean 'chart'?",
    ),
    (
        "  - kind: sourcing\n    method: hip\n",
        "11:13: error: 'method' must be one of basic, hipp, soapstone, apparts, not 'hip'; "
        "did you mean 'hipp'?",
    ),
    (
        "  - kind: sourcing\n    readings: [origin]\n",
        "11:16: error: organizer o1 lists reading 'origin', which this lesson does not have; "
        "did you mean 'origins'?",
    ),
    (
        "  - kind: corroboration\n    claims:\n      - text: A claim.\n"
        "        answers: {origins: supports, us-aim: silent}\n",
        "13:38: error: claim 1 of organizer o1 has an answer for reading 'us-aim', which "
        "this lesson does not have; did you mean 'us-aims'?",
    ),
    (
        "  - kind: corroboration\n    claims:\n      - text: A claim.\n"
        "        answers: {origins: support, us-aims: silent}\n",
        "13:28: error: 'origins' must be one of supports, contradicts, silent, not "
        "'support'; did you mean 'supports'?",
    ),
    (
        "  - kind: chart\n    columns: [A, B]\n    answers: [[1], [2], [3]]\n",
        "12:14: error: organizer o1 has 3 lists of answers but 2 columns: give one list "
        "per column, in the columns' order",
    ),
    (
        "  - kind: chart\n    columns: [Only]\n",
        "11:14: error: 'columns' has 1 item; at least 2 are needed",
    ),
    (
        "  - kind: chart\n    columns: [A, B, C, D, E]\n",
        "11:14: error: 'columns' has 5 items; at most 4 are allowed",
    ),
    (
        "  - kind: chain\n    steps:\n      - given: One\n",
        "12:7: error: 'steps' has 1 item; at least 2 are needed",
    ),
    (
        "  - kind: chain\n    steps:\n      - given: One\n        answer: Two\n"
        "      - answer: Three\n",
        "12:9: error: step 1 of organizer o1 needs exactly one of 'given' (printed on both "
        "sheets) or 'answer' (a blank box the key fills in), not both",
    ),
    (
        "  - kind: chain\n    steps:\n      - given: One\n      - {}\n",
        "13:9: error: step 2 of organizer o1 needs exactly one of 'given' (printed on both "
        "sheets) or 'answer' (a blank box the key fills in)",
    ),
    (
        "  - kind: chart\n    columns: [A, B]\n  - kind: chain\n    id: o1\n"
        "    steps: [{given: A}, {answer: B}]\n",
        "13:9: error: organizer id 'o1' is used twice",
    ),
    (
        "  - kind: chart\n    columns: [A, B]\n    colour: red\n",
        "12:5: error: unknown field 'colour' (organizer 1); did you mean 'columns'?",
    ),
]


@pytest.mark.parametrize(("organizers", "message"), ERRORS, ids=[m[:40] for _, m in ERRORS])
def test_organizer_errors_name_the_line_and_the_allowed_values(
    write_lesson, cli, organizers, message
):
    write_lesson("errors", BASE + organizers)
    result = cli("check", "lessons")
    assert result.exit_code == 1
    assert f"lessons/errors/lesson.yaml:{message}" in result.stderr, result.stderr


def test_cells_the_key_cannot_fill_are_warnings_and_strict_errors(write_lesson, cli):
    write_lesson(
        "gaps",
        BASE
        + "  - kind: sourcing\n    method: basic\n"
        + "  - kind: corroboration\n    claims:\n      - text: A claim.\n"
        + "        answers: {origins: supports}\n",
    )
    result = cli("check", "lessons")
    assert result.exit_code == 0
    assert (
        "lessons/gaps/lesson.yaml:5:5: warning: the key's sourcing chart (o1, basic) cannot "
        "fill Date, Audience, Purpose for reading 'origins': add 'date:', 'audience:', "
        "'purpose:' under its 'sourcing:'"
    ) in result.stderr
    assert "cannot fill Author, Date, Audience, Purpose for reading 'us-aims'" in result.stderr
    assert (
        "lessons/gaps/lesson.yaml:14:9: warning: claim 1 of organizer o2 has no answer for "
        "reading 'us-aims'"
    ) in result.stderr
    assert cli("check", "--strict", "lessons").exit_code == 1


def test_the_sample_fills_every_method_without_a_warning():
    """The sample's sourcing blocks fill every cell of every method, so a teacher may
    switch its chart's method and print a complete key."""
    from builder.project.lesson import load_lesson

    source, problems = load_lesson(SAMPLE)
    assert source is not None and not problems, problems
    for method, columns in METHOD_COLUMNS.items():
        for reading in source.lesson.readings:
            values = reading.sourcing.model_dump()
            for label in columns:
                assert any(values[f] for f in COLUMN_FIELDS[label]), (method, reading.id, label)
