"""README promises read back from what lessonpack prints (issue 12, item 4): the serve
warning and its empty footprint, versions, bundle paper/cover/large print, limits, the
rubric warning, Score, no JavaScript in web pages, languages, --debug, margins and type.

Each test checks the printed result (PDF text, fonts, positions, pixels; HTML parsed),
so it fails when the promise is broken, not only when a file is missing."""

from __future__ import annotations

import html.parser
import itertools
import json
import math
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pypdfium2
import pytest
from conftest import SAMPLE, SLUG, assert_print_ready, pdf_text, plain, squash, write_png
from pypdf import PdfReader
from typer.testing import CliRunner

from builder.cli import app

TIMEOUT = 30  # seconds: only to catch a hang
INCH = 72.0


# --- reading PDFs back -----------------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """A piece of text as drawn: its page, font name (subset prefix removed), size in pt."""

    page: int
    text: str
    font: str
    size: float


def text_runs(path: Path) -> list[Run]:
    """Every text run of the PDF with its font and its printed size (font size times the
    scale of the text and page matrices), through pypdf's visitor."""
    runs: list[Run] = []
    for number, page in enumerate(PdfReader(path).pages):

        def visit(text, cm, tm, font, size, number=number):
            if not text.strip() or font is None:
                return
            scale = math.sqrt(abs(tm[0] * tm[3] - tm[1] * tm[2]))
            scale *= math.sqrt(abs(cm[0] * cm[3] - cm[1] * cm[2]))
            name = str(font.get("/BaseFont", "")).split("+")[-1]
            runs.append(Run(number, squash(text), name, round(size * scale, 2)))

        page.extract_text(visitor_text=visit)
    return runs


def page_sizes(path: Path) -> set[tuple[int, int]]:
    return {
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in PdfReader(path).pages
    }


def page_texts(path: Path) -> list[str]:
    return [squash(page.extract_text() or "") for page in PdfReader(path).pages]


def rule_pitches(path: Path, dpi: int = 150) -> list[float]:
    """Distances in inches between consecutive long horizontal rules (writing lines), found
    in the rendered pages: rows where grey or black covers more than 60 % of the width
    (text never does; the lines are 0.6 pt #444, so anti-aliased to mid grey)."""
    document = pypdfium2.PdfDocument(str(path))
    pitches = []
    for index in range(len(document)):
        image = document[index].render(scale=dpi / 72).to_pil().convert("L")
        width, height = image.size
        pixels = image.load()
        rows = [
            y
            for y in range(height)
            if sum(pixels[x, y] < 200 for x in range(0, width, 2)) * 2 > 0.6 * width
        ]
        groups: list[list[int]] = []
        for y in rows:
            if groups and y - groups[-1][-1] <= 1:
                groups[-1].append(y)
            else:
                groups.append([y])
        centres = [sum(g) / len(g) for g in groups]
        pitches += [(b - a) / dpi for a, b in itertools.pairwise(centres)]
    return pitches


def writing_line_pitch(path: Path) -> float:
    """The spacing of the writing lines: the distance most consecutive rules share."""
    pitches = [round(p, 2) for p in rule_pitches(path) if p < 1]
    pitch = max(set(pitches), key=pitches.count)
    assert pitches.count(pitch) >= 5, pitches  # a question's lines, not a stray rule
    return pitch


# --- one build of small lessons, shared by the tests that read it ----------------------

FRENCH = """\
title: La crise de Cuba, « treize jours »
subtitle: Été 1962 — déjà la façade d’une œuvre
subject: Histoire
language: fr
central_question: Pourquoi l’Union soviétique a-t-elle installé des missiles à Cuba ?
readings:
  - id: origines
    title: D’où vient la crise
    source: Manuel d’histoire, édition française (n.d.)
    text: |
      Le 22 octobre 1962, le président Kennedy annonça la « quarantaine » de Cuba. Les
      Soviétiques hésitèrent pendant six jours ; puis Khrouchtchev accepta de retirer
      les missiles, en échange d’une promesse secrète au sujet de la Turquie. Élèves et
      professeurs s’en souviennent encore : la crise a failli déclencher une guerre.
questions:
  - id: quarantaine
    prompt: Qu’est-ce que la « quarantaine » décidée par Kennedy ?
    lines: 8
    points: 2
    answer: Un blocus naval autour de Cuba, appelé quarantaine.
  - id: echange
    prompt: Qu’obtint Khrouchtchev en échange du retrait ?
    points: 3
    answer: La promesse de retirer les missiles américains de Turquie.
"""

GREEK = """\
title: Η κρίση των πυραύλων
language: el
readings:
  - id: a
    title: Δεκατρείς μέρες
    text: |
      Τον Οκτώβριο του 1962 ο κόσμος βρέθηκε πιο κοντά από ποτέ σε πυρηνικό πόλεμο.
questions:
  - prompt: Γιατί η Κούβα ήταν σημαντική;
    answer: Ήταν κοντά στις Ηνωμένες Πολιτείες.
"""

NO_POINTS = """\
title: A lesson without points
questions:
  - prompt: Why did Sputnik alarm Americans?
    answer: It showed Soviet rockets could reach the United States.
  - prompt: Was the missile gap real?
    kind: long
    answer: No; it favored the United States.
"""

HOSTILE = """\
title: Hostile <script>alert(1)</script>
subtitle: "<img src=x onerror=alert(1)>"
central_question: "<a href=\\"javascript:alert(1)\\">why</a>?"
readings:
  - id: a
    title: A reading <svg onload=alert(1)>
    headnote: "<b onmouseover=alert(1)>head</b> [x](javascript:alert(1))"
    text: |
      Hello <script>alert(1)</script> and <img src=x onerror="alert(1)">.

      [click](javascript:alert(1)) <a href="JaVaScRiPt:alert(2)">x</a>
      <a href=" javascript:alert(3)">y</a> <a href="jav&#x09;ascript:alert(4)">z</a>
      <div style="background:url(javascript:alert(1))" onclick="alert(1)">div</div>
      <svg><script>alert(1)</script></svg> <math><mi xlink:href="javascript:alert(1)">m</mi></math>
      <iframe srcdoc="<script>alert(1)</script>"></iframe> <object data="javascript:x"></object>
      <body onload=alert(1)> <details open ontoggle=alert(1)>d</details>
      <form action="javascript:alert(1)"><button formaction="javascript:alert(1)">b</button></form>
    images:
      - file: pic.png
        alt: "a picture\\" onerror=\\"alert(1)"
        caption: "<img src=x onerror=alert(1)> [c](javascript:alert(1))"
questions:
  - prompt: "Why <script>alert(1)</script> <a href='javascript:alert(1)'>x</a>?"
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
      text: "[x](javascript:alert(1)) <script>alert(1)</script>"
    - date: 1963
      label: two
"""


def write(project: Path, slug: str, text: str) -> Path:
    folder = project / "lessons" / slug
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lesson.yaml").write_text(text, encoding="utf-8")
    return folder


def run_cli(*args: str):
    result = CliRunner().invoke(app, [str(a) for a in args])
    assert result.exit_code == 0, result.output
    return result


@pytest.fixture(scope="module")
def small(tmp_path_factory) -> Path:
    """A project of small lessons, built once: `fr` with --html --large-print, and the
    others with --html. Returns the output folder."""
    project = tmp_path_factory.mktemp("promises")
    write(project, "fr", FRENCH)
    write(project, "el", GREEK)
    write(project, "nopts", NO_POINTS)
    write_png(write(project, "hostile", HOSTILE) / "pic.png")
    out = project / "dist"
    lessons = project / "lessons"
    run_cli("build", lessons / "fr", "--html", "--large-print", "-o", out, "-q")
    run_cli("build", lessons / "el", lessons / "nopts", lessons / "hostile", "--html", "-o", out)
    return out


# --- 1. serve --host 0.0.0.0 warns ------------------------------------------------------

NETWORK_WARNING = "other computers on your network can see your lessons"


@pytest.mark.parametrize(
    ("host", "warns"),
    [("0.0.0.0", True), ("::", True), ("192.168.1.20", True), ("127.0.0.1", False)],
)
def test_serve_warns_when_other_computers_can_connect(host, warns, project, cli, monkeypatch):
    started = {}

    def fake_run(paths, host, port, open_browser):  # decide, print, but listen nowhere
        started["host"] = host

    monkeypatch.setattr("builder.preview.serve.run", fake_run)
    result = cli("serve", "--host", host)
    assert result.exit_code == 0, result.output
    assert started == {"host": host}
    assert (NETWORK_WARNING in result.stderr) is warns, result.stderr
    if warns:
        assert f"warning: serving on {host}:" in result.stderr


def test_serve_default_host_does_not_warn(project, cli, monkeypatch):
    started = {}
    monkeypatch.setattr("builder.preview.serve.run", lambda paths, **kwargs: started.update(kwargs))
    result = cli("serve")
    assert result.exit_code == 0, result.output
    assert started["host"] == "127.0.0.1"
    assert "warning" not in result.stderr


# --- 2. the preview writes nothing into the project --------------------------------------


def snapshot(folder: Path) -> dict[str, bytes | None]:
    """Every file (with its bytes) and folder (None) under `folder`."""
    return {
        str(path.relative_to(folder)): None if path.is_dir() else path.read_bytes()
        for path in sorted(folder.rglob("*"))
    }


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=TIMEOUT) as response:
        assert response.status == 200, url
        return response.read()


def test_preview_writes_nothing_into_the_project_and_cleans_up(write_lesson, tmp_path_factory):
    folder = write_lesson(
        "tiny",
        """\
        title: A tiny lesson
        readings:
          - id: a
            title: A text
            text: Sputnik flew in 1957.
            images:
              - file: map.png
                alt: A map
        questions:
          - prompt: When did Sputnik fly?
            points: 1
            answer: "1957"
        """,
    )
    write_png(folder / "map.png")
    project = folder.parent.parent
    (project / "lessons" / "week.bundle.yaml").write_text("title: Week\nlessons: [tiny]\n")
    before = snapshot(project)
    temp = tmp_path_factory.mktemp("tmpdir")  # the preview's temporary folder goes here
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen(
        [sys.executable, "-m", "builder", "serve", "--port", str(port)],
        cwd=project,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1", "TMPDIR": str(temp)},
    )
    try:
        assert f"at http://127.0.0.1:{port}" in server.stderr.readline()
        base = f"http://127.0.0.1:{port}"
        assert b"A tiny lesson" in fetch(base + "/")
        for target, paper in (
            ("lesson/tiny", "letter"),
            ("lesson/tiny", "a4"),
            ("bundle/week", "letter"),
        ):
            fetch(f"{base}/{target}?paper={paper}")  # waits for the preview build
            state = json.loads(fetch(f"{base}/{target}/{paper}/state.json"))
            assert state["documents"], str(state)
            for document in state["documents"]:
                assert fetch(base + document["pdf"]).startswith(b"%PDF")
                assert fetch(base + document["pages"][0]["src"]).startswith(b"\x89PNG")
                if document.get("web"):  # the web page, its stylesheet and its image
                    page = fetch(base + document["web"]).decode()
                    src = re.search(r'<img[^>]* src="([^"]+)"', page).group(1)
                    web = base + document["web"].rsplit("/", 1)[0]
                    assert fetch(f"{web}/{src}").startswith(b"\x89PNG")
                    assert fetch(f"{web}/lesson.css")
        assert list(temp.iterdir()), "the preview kept its files somewhere else"
        server.send_signal(signal.SIGINT)
        assert server.wait(TIMEOUT) == 130
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()
        server.stderr.close()
    after = snapshot(project)
    assert sorted(after) == sorted(before)  # no dist/, no cache folder, no new file
    assert after == before  # and no file rewritten
    deadline = time.monotonic() + TIMEOUT
    while list(temp.iterdir()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert list(temp.iterdir()) == []  # the temporary folder is deleted on Ctrl-C


# --- 3. versions shuffle the timeline ----------------------------------------------------

EVENTS = [
    ("1957-10-04", "Alpha launches"),
    ("1959-01-01", "Bravo takes power"),
    ("1961-04-17", "Charlie lands"),
    ("1962-10-22", "Delta speaks"),
    ("1962-10-28", "Echo agrees"),
    ("1963-08-30", "Foxtrot hotline"),
]


def test_versions_shuffle_the_timeline_and_each_key_follows_its_order(write_lesson, cli, tmp_path):
    events = "".join(f"    - {{date: {date}, label: {label}}}\n" for date, label in EVENTS)
    write_lesson(
        "events",
        "title: Events\ntimeline:\n  title: Six events\n  mode: order\n  events:\n" + events,
    )
    result = cli("build", "lessons/events", "--versions", "2", "--strict", "-q")
    assert result.exit_code == 0, result.output
    out = tmp_path / "dist" / "events"
    labels = [label for _, label in EVENTS]  # in date order

    def printed_order(text: str) -> list[str]:
        return sorted(labels, key=text.index)

    orders = {}
    for letter in "AB":
        student = pdf_text(out / f"events-student-{letter}.pdf")
        assert all(student.count(label) == 1 for label in labels)
        orders[letter] = printed_order(student)
        assert orders[letter] != labels  # never left in date order
        # the key's table: "number label date" rows in the order this version printed
        key = pdf_text(out / f"events-key-{letter}.pdf")
        rows = re.findall(rf"(\d+) ({'|'.join(labels)}) \d", key)[: len(labels)]
        assert [label for _, label in rows] == orders[letter]
        assert {label: int(n) for n, label in rows} == {
            label: rank for rank, label in enumerate(labels, start=1)
        }
    assert orders["A"] != orders["B"]


# --- 4, 5, 6. bundle paper, cover and large print ----------------------------------------

LESSON_ONE = """\
title: Lesson one
readings:
  - id: a
    title: A short text
    text: |
      The Soviet Union launched Sputnik in October 1957, and many Americans feared that
      their country had fallen behind in science and in rockets.
questions:
  - prompt: Why did Sputnik alarm Americans?
    answer: It showed Soviet rockets could reach the United States.
"""
LESSON_TWO = "title: Lesson two\nquestions:\n  - prompt: Who went first?\n    answer: Gagarin.\n"

BUNDLES = {
    "solo": "title: Solo packet\npaper: a4\nlessons: [one]\n",
    "forced": "title: Forced cover\ncover: true\nlessons: [one]\n",
    "pair": "title: Pair packet\nlessons: [one, two]\n",
    "big": "title: Big packet\nlarge_print: true\nlessons: [one]\n",
}


@pytest.fixture(scope="module")
def packets(tmp_path_factory) -> Path:
    """The bundles above built once (student sheets only), and `solo` again with --paper
    letter into dist-letter/. Returns the project."""
    project = tmp_path_factory.mktemp("packets")
    write(project, "one", LESSON_ONE)
    write(project, "two", LESSON_TWO)
    lessons = project / "lessons"
    for name, text in BUNDLES.items():
        (lessons / f"{name}.bundle.yaml").write_text(text, encoding="utf-8")
    bundles = [lessons / f"{name}.bundle.yaml" for name in BUNDLES]
    run_cli("build", *bundles, "--no-key", "-q", "-o", project / "dist")
    solo = lessons / "solo.bundle.yaml"
    run_cli("build", solo, "--no-key", "--paper", "letter", "-q", "-o", project / "dist-letter")
    return project


def test_bundle_paper_is_used_and_the_paper_flag_wins(packets):
    a4 = packets / "dist" / "solo"
    for pdf in (a4 / "solo-student.pdf", a4 / "lessons" / "one-student.pdf"):
        assert page_sizes(pdf) == {(595, 842)}, pdf
    letter = packets / "dist-letter" / "solo"
    for pdf in (letter / "solo-student.pdf", letter / "lessons" / "one-student.pdf"):
        assert page_sizes(pdf) == {(612, 792)}, pdf
    assert page_sizes(packets / "dist/pair/pair-student.pdf") == {(612, 792)}  # default


def test_one_lesson_bundle_has_no_cover_unless_asked(packets):
    lesson = page_texts(packets / "dist/solo/lessons/one-student.pdf")
    solo = page_texts(packets / "dist/solo/solo-student.pdf")
    assert len(solo) == len(lesson) == 1
    assert solo[0].startswith(lesson[0].split(" Lesson one Page")[0])  # the lesson's page 1
    assert "In this packet" not in solo[0] and "Why did Sputnik alarm" in solo[0]

    forced = page_texts(packets / "dist/forced/forced-student.pdf")
    assert len(forced) == 2
    assert "In this packet" in forced[0] and "Why did Sputnik alarm" not in forced[0]
    assert re.search(r"1\. Lesson one 2\b", forced[0])
    assert "Why did Sputnik alarm" in forced[1]

    pair = page_texts(packets / "dist/pair/pair-student.pdf")
    assert len(pair) == 3
    assert "In this packet" in pair[0] and "Why did Sputnik alarm" not in pair[0]
    assert re.search(r"1\. Lesson one 2\b", pair[0]) and re.search(r"2\. Lesson two 3\b", pair[0])


def body_sizes(runs: list[Run], *texts: str) -> list[float]:
    """Sizes of the runs that are part of the given body texts (reading, prompts)."""
    wanted = [squash(t) for t in texts]
    return [r.size for r in runs if len(r.text) >= 12 and any(r.text in w for w in wanted)]


READING_ONE = (
    "The Soviet Union launched Sputnik in October 1957, and many Americans feared that "
    "their country had fallen behind in science and in rockets."
)


def test_bundle_large_print_gives_18_pt_body_text(packets):
    out = packets / "dist" / "big"
    for regular, large in (
        (out / "big-student.pdf", out / "big-student-large.pdf"),
        (out / "lessons/one-student.pdf", out / "lessons/one-student-large.pdf"),
    ):
        sizes = body_sizes(text_runs(large), READING_ONE, "Why did Sputnik alarm Americans?")
        assert len(sizes) >= 3, text_runs(large)
        assert min(sizes) >= 18, sizes
        normal = body_sizes(text_runs(regular), READING_ONE, "Why did Sputnik alarm Americans?")
        assert normal and max(normal) <= 12  # the regular copy is still built, at 11 pt
    assert not (packets / "dist/solo/solo-student-large.pdf").exists()


# --- 7. --large-print: file names and wider writing lines --------------------------------


FRENCH_READING = (
    "Le 22 octobre 1962, le président Kennedy annonça la « quarantaine » de Cuba. Les "
    "Soviétiques hésitèrent pendant six jours ; puis Khrouchtchev accepta de retirer les "
    "missiles, en échange d’une promesse secrète au sujet de la Turquie. Élèves et "
    "professeurs s’en souviennent encore : la crise a failli déclencher une guerre."
)


def test_large_print_writes_student_and_key_copies_with_wider_writing_lines(small):
    out = small / "fr"
    for name in ("fr-student-large.pdf", "fr-key-large.pdf"):
        assert (out / name).is_file()
    key = pdf_text(out / "fr-key-large.pdf")
    assert "ANSWER KEY" in key and "Un blocus naval autour de Cuba" in key
    assert "Un blocus naval" not in pdf_text(out / "fr-student-large.pdf")
    regular = writing_line_pitch(out / "fr-student.pdf")
    large = writing_line_pitch(out / "fr-student-large.pdf")
    assert abs(regular - 11 / 32) < 0.015, regular  # wide-ruled paper
    assert large >= 0.45 and large > regular + 0.1, (regular, large)
    for pdf in ("fr-student-large.pdf", "fr-key-large.pdf"):
        prompt = "Qu’est-ce que la « quarantaine » décidée par Kennedy ?"
        sizes = body_sizes(text_runs(out / pdf), prompt, FRENCH_READING)
        assert len(sizes) >= 3 and min(sizes) >= 18, (pdf, sizes)


def test_large_print_prints_no_text_below_16_pt(small):
    """SPEC §4: in large print every text other than body and questions is ≥ 16 pt."""
    for name in ("fr-student-large.pdf", "fr-key-large.pdf"):
        small_runs = [r for r in text_runs(small / "fr" / name) if r.size < 16]
        assert small_runs == [], name


# --- 8. limits: 50 readings, 2 to 200 timeline events ------------------------------------


def readings_yaml(count: int) -> str:
    return "title: Many\nreadings:\n" + "".join(
        f"  - id: r{i}\n    text: Reading {i}.\n" for i in range(count)
    )


def events_yaml(count: int) -> str:
    return "title: Many\ntimeline:\n  title: T\n  mode: fill\n  events:\n" + "".join(
        f"    - {{date: {1000 + i}, label: Event {i}}}\n" for i in range(count)
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (readings_yaml(50), None),
        (readings_yaml(51), "'readings' has 51 items; at most 50 are allowed"),
        (events_yaml(2), None),
        (events_yaml(200), None),
        (events_yaml(201), "'events' has 201 items; at most 200 are allowed"),
        (events_yaml(1), "'events' has 1 item; at least 2 are needed"),
    ],
)
def test_reading_and_timeline_limits(text, message, write_lesson, cli):
    write_lesson("many", text)
    result = cli("check")
    if message is None:
        assert result.exit_code == 0, result.stderr
        assert result.stderr == ""
    else:
        assert result.exit_code == 1
        header = "readings:" if "readings" in message else "  events:"
        first_item = text.splitlines().index(header) + 2  # 1-based line of the list's item
        assert f"lessons/many/lesson.yaml:{first_item}:" in result.stderr
        assert f"error: {message}" in result.stderr


# --- 9. the rubric must top out at the question's points ---------------------------------

RUBRIC = """\
title: Rubric
questions:
  - id: essay
    prompt: Answer the central question.
    kind: long
    points: {points}
    answer: A claim with evidence.
    rubric:
      - points: 10
        descriptor: A clear claim with evidence from both documents.
      - points: 5
        descriptor: A claim with evidence from one document.
"""


def test_rubric_that_does_not_reach_the_points_is_a_warning_and_strict_error(write_lesson, cli):
    write_lesson("rubric", RUBRIC.format(points=12))
    where = "lessons/rubric/lesson.yaml:9:7"
    message = "question essay is worth 12 points but its rubric's top level gives 10"
    relaxed = cli("check")
    assert relaxed.exit_code == 0, relaxed.stderr
    assert f"{where}: warning: {message}" in relaxed.stderr
    strict = cli("check", "--strict")
    assert strict.exit_code == 1
    assert f"{where}: error: {message}" in strict.stderr
    write_lesson("rubric", RUBRIC.format(points=10))
    matching = cli("check", "--strict")
    assert matching.exit_code == 0 and "rubric" not in matching.stderr, matching.stderr


# --- 10. Score only when questions have points -------------------------------------------


def test_score_field_only_when_questions_have_points(small):
    with_points = page_texts(small / "fr" / "fr-student.pdf")[0]
    assert re.search(r"Score\s*/ 5\b", with_points), with_points
    without = pdf_text(small / "nopts" / "nopts-student.pdf")
    assert "Name" in without and "Period" in without
    assert "Score" not in without


# --- 11. no JavaScript in the web pages ---------------------------------------------------


class ActiveContent(html.parser.HTMLParser):
    """Collects what a browser would run: script elements, event-handler attributes, and
    javascript: (or vbscript:) URLs in any attribute."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "frame", "base"):
            self.found.append(f"<{tag}>")
        for name, value in attrs:
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>")
            squashed = re.sub(r"[\x00-\x20]", "", value or "").lower()
            if "javascript:" in squashed or "vbscript:" in squashed:
                self.found.append(f"<{tag} {name}={value!r}>")

    handle_startendtag = handle_starttag


def active_content(text: str) -> list[str]:
    parser = ActiveContent()
    parser.feed(text)
    parser.close()
    return parser.found


def test_active_content_finder_finds_what_a_browser_runs():
    assert active_content('<p>x</p><a href="#a">a</a>') == []
    assert active_content("<p>&lt;script&gt; onerror=alert(1) javascript:</p>") == []  # text
    for bad in (
        "<script>alert(1)</script>",
        "<img src=x onerror=alert(1)>",
        '<a href=" JaVa&#x09;ScRiPt:alert(1)">x</a>',
        "<svg><circle onload='x'/></svg>",
    ):
        assert active_content(bad), bad


def test_web_pages_carry_no_javascript_even_from_a_hostile_lesson(small):
    out = small / "hostile"
    pages = [out / "hostile-student.html", out / "hostile-key.html"]
    assert all(page.is_file() for page in pages)
    assert (out / "assets").is_dir() and list((out / "assets").iterdir())
    for path in sorted(out.rglob("*")):
        if path.suffix in (".html", ".svg", ".css"):
            text = path.read_text(encoding="utf-8")
            assert active_content(text) == [], path.name
            if path.suffix == ".css":
                assert "javascript:" not in text.lower() and "expression(" not in text.lower()
    for page in pages:  # the hostile text is still there, shown as text
        text = page.read_text(encoding="utf-8")
        assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text
        assert "Hello" in text and "why" in text
    for lesson in ("fr", "el", "nopts"):
        for path in (small / lesson).glob("*.html"):
            assert active_content(path.read_text(encoding="utf-8")) == [], path.name


def test_an_svg_image_with_a_script_brings_no_javascript_into_the_web_folder(write_lesson, cli):
    folder = write_lesson(
        "drawn",
        """\
        title: Drawn
        readings:
          - id: a
            text: A drawing.
            images:
              - file: pic.svg
                alt: A rectangle
        """,
    )
    (folder / "pic.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="40" height="20" onload="alert(1)">'
        '<script>alert(document.cookie)</script><rect width="40" height="20"/>'
        '<a href="javascript:alert(2)"><text y="10">x</text></a></svg>\n'
    )
    result = cli("build", "--html", "--no-key")
    assert result.exit_code == 0, result.output
    out = folder.parent.parent / "dist" / "drawn"
    files = [p for p in sorted(out.rglob("*")) if p.suffix in (".html", ".svg", ".css")]
    assert "drawn-student.html" in [p.name for p in files]
    for path in files:
        assert active_content(path.read_text(encoding="utf-8")) == [], path.name


# --- 12. languages -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("slug", "language", "texts"),
    [
        (
            "fr",
            "fr",
            [
                "La crise de Cuba, « treize jours »",
                "Été 1962 — déjà la façade d’une œuvre",
                "Qu’est-ce que la « quarantaine » décidée par Kennedy ?",
                "Élèves et professeurs s’en souviennent encore",
            ],
        ),
        (
            "el",
            "el",
            ["Η κρίση των πυραύλων", "Δεκατρείς μέρες", "Γιατί η Κούβα ήταν σημαντική;"],
        ),
    ],
)
def test_lesson_language_is_set_and_its_text_round_trips(small, slug, language, texts):
    out = small / slug
    pdfs = [out / f"{slug}-student.pdf", out / f"{slug}-key.pdf"]
    if slug == "fr":
        pdfs += [out / "fr-student-large.pdf", out / "fr-key-large.pdf"]
    for pdf in pdfs:
        reader = PdfReader(pdf)
        assert str(reader.trailer["/Root"]["/Lang"]) == language, pdf.name
        assert reader.metadata.title.startswith(texts[0])
        text = pdf_text(pdf)
        for expected in texts:
            assert expected in text, (pdf.name, expected)
        # the fixed labels are lessonpack's own, as the README shows them
        assert "Document A" in text and "Page 1 of" in text
    for page in (f"{slug}-student.html", f"{slug}-key.html"):
        markup = (out / page).read_text(encoding="utf-8")
        assert f'<html lang="{language}">' in markup
        shown = plain(markup)
        for expected in texts:
            assert expected in shown, (page, expected)


# --- 13. --debug shows the traceback of an unexpected error, and only then ---------------

BOOM = """\
import sys
import builder.output.pipeline

def boom(*args, **kwargs):
    raise RuntimeError("boom from the test")

builder.output.pipeline.build = boom
from builder.cli import main
sys.argv = ["lessonpack", *sys.argv[1:]]
main()
"""


@pytest.mark.parametrize("debug", [False, True])
def test_debug_shows_a_traceback_only_when_asked(debug, write_lesson, tmp_path):
    write_lesson("plain", "title: Plain\n")
    script = tmp_path / "boom.py"
    script.write_text(BOOM)
    args = ["--debug", "build"] if debug else ["build"]
    done = subprocess.run(
        [sys.executable, str(script), *args],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "COLUMNS": "200", "TERM": "dumb"},
    )
    assert done.returncode == 1
    if debug:
        assert "Traceback" in done.stderr
        assert "RuntimeError" in done.stderr and "boom from the test" in done.stderr
        assert "failed unexpectedly" not in done.stderr
    else:
        assert "Traceback" not in done.stderr and 'File "' not in done.stderr
        assert (
            "error: lessonpack failed unexpectedly: RuntimeError('boom from the test'). "
            "Run again with --debug and report the traceback." in squash(done.stderr)
        )
    assert not (tmp_path / "dist").exists()


# --- 14. margins -------------------------------------------------------------------------

RUNNING = re.compile(r"ANSWER KEY|Version [A-Z]|Page \d+ of \d+|packet p\. \d+")


def assert_margins(pdf: Path, title: str) -> None:
    """No character within 0.5 in of the left or right edge, none within 0.25 in of the top
    or bottom, and between 0.25 and 0.5 in of the top or bottom only the running header
    and footer (title, Page X of Y, ANSWER KEY), which sit in the page margin by design."""
    document = pypdfium2.PdfDocument(str(pdf))
    for index in range(len(document)):
        page = document[index]
        width, height = page.get_size()
        textpage = page.get_textpage()
        seen = 0
        for i in range(textpage.count_chars()):
            left, bottom, right, top = textpage.get_charbox(i)
            if right <= left or textpage.get_text_range(i, 1).isspace():
                continue
            seen += 1
            where = (pdf.name, index + 1, textpage.get_text_range(i, 1))
            assert left >= 0.5 * INCH and right <= width - 0.5 * INCH, where
            assert bottom >= 0.25 * INCH and top <= height - 0.25 * INCH, where
        assert seen > 20, (pdf.name, index + 1)
        for band in ((0, 0, width, 0.5 * INCH), (0, height - 0.5 * INCH, width, height)):
            text = squash(textpage.get_text_bounded(*band))
            rest = squash(RUNNING.sub(" ", text.replace(title, " ")))
            assert rest == "", (pdf.name, index + 1, text)


@pytest.mark.parametrize("paper", ["letter", "a4"])
def test_sample_body_text_keeps_half_an_inch_from_the_edges(sample_build, paper):
    title = "Origins of the Cuban Missile Crisis"
    for pdf in (
        sample_build[paper] / f"{SLUG}-student.pdf",
        sample_build[paper] / f"{SLUG}-key.pdf",
    ):
        assert_margins(pdf, title)


def test_large_print_keeps_the_margins_and_prints_nothing_near_the_edge(small):
    for name in ("fr-student-large.pdf", "fr-key-large.pdf"):
        pdf = small / "fr" / name
        assert_margins(pdf, "La crise de Cuba, « treize jours »")
        assert_print_ready(pdf)  # also: no ink at all within 0.25 in of the paper edge


# --- 15. type: serif body 11-12 pt, sans headings, nothing below 8 pt --------------------


@pytest.fixture(scope="module")
def sample_view():
    from conftest import lesson_view

    from builder import load_lesson

    source, problems = load_lesson(SAMPLE)
    assert source is not None, problems
    return lesson_view(source)


def reading_text(name: str) -> str:
    text = (SAMPLE / "readings" / name).read_text(encoding="utf-8")
    return squash(re.sub(r"\{#[\w-]+\}|\*\*|^\d+\. ", "", text, flags=re.MULTILINE))


def test_body_text_is_serif_at_11_to_12_pt_and_headings_are_sans(sample_build, sample_view):
    for name in (f"{SLUG}-student.pdf", f"{SLUG}-key.pdf"):
        runs = text_runs(sample_build["letter"] / name)
        body = [reading_text("origins.md"), reading_text("us-aims.md")]
        body += [plain(q.prompt) for q in sample_view.questions]
        # runs of 20+ characters: a glossary term ("Socialist bloc", 9 pt in the notes)
        # is also a piece of the reading
        matched = [r for r in runs if len(r.text) >= 20 and any(r.text in b for b in body)]
        assert len(matched) >= 40, name
        for run in matched:
            assert "Serif" in run.font and 11 <= run.size <= 12, (name, run)
            assert "Sans" not in run.font, (name, run)
        headings = {sample_view.title, "Questions", sample_view.timeline.title}
        headings |= {"Document A", "Document B"} | {d.title for d in sample_view.documents}
        headings |= {q.group.upper() for q in sample_view.questions if q.group}  # upper-cased
        for heading in headings:  # the largest run of that text is the heading itself (the
            # title also repeats in the footer and in a hidden, clipped running-title source)
            run = max((r for r in runs if r.text == heading), key=lambda r: r.size)
            assert "Sans" in run.font, (name, run)
        assert min(r.size for r in runs) >= 8, min(runs, key=lambda r: r.size)
