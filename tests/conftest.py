"""Shared fixtures: copies of the sample lesson in a temporary project, a helper to write
small lessons, one build of the sample (Letter and A4) reused by the PDF tests, and a
small lesson (SMALL_LESSON) for tests where the sample's 7 and 9 pages add nothing but
render time."""

from __future__ import annotations

import html
import http.server
import os
import re
import shutil
import signal
import socket
import struct
import subprocess
import sys
import textwrap
import threading
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builder import BuildOptions, build

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "lessons" / "cuban-missile-crisis"
SLUG = "cuban-missile-crisis"


# A small lesson for tests where the sample's size adds nothing: two readings (the first
# long enough to run onto a second page in large print), three questions (one a choice)
# and a three-event timeline; its student sheet has 3 pages, an odd count (duplex pads it).
SMALL_SLUG = "missile-crisis"
SMALL_LESSON = """\
title: Origins of the Cuban Missile Crisis
readings:
  - id: origins
    title: Where the crisis came from
    source: A short essay written for the tests
    text: |
      In 1959 Fidel Castro took power in Cuba, ninety miles from Florida. The United
      States had placed missiles in Turkey, close to the Soviet Union, and Soviet
      leaders wanted to answer them. Nikita Khrushchev also wanted to protect Cuba
      after the failed invasion at the Bay of Pigs in April 1961.

      In the summer of 1962 Soviet ships carried missiles, launchers and soldiers to
      Cuba in secret. The missiles could reach most cities of the United States within
      minutes. An American spy plane photographed the launch sites in October, and
      President Kennedy met his advisers for thirteen days to decide what to do.

      Some advisers wanted to bomb the sites at once; others wanted to wait and talk.
      Kennedy chose a naval blockade, which he called a quarantine, and demanded that
      the missiles be removed. Soviet ships stopped at the line of the blockade, and
      letters went back and forth between Washington and Moscow.

      In the end Khrushchev agreed to take the missiles home, and Kennedy promised not
      to invade Cuba. In secret he also agreed to remove the missiles from Turkey. The
      next year the two powers set up a hotline so that their leaders could speak at
      once in a crisis, and they signed a treaty banning nuclear tests in the air.

      Historians still argue about who won. Some say Kennedy stood firm and forced the
      Soviets back; others say Khrushchev got what he wanted, a safe Cuba and no
      missiles in Turkey, while the world came closer to nuclear war than ever before.
  - id: us-aims
    title: What the United States wanted
    source: A short explainer written for the tests
    text: The United States wanted the missiles out of Cuba without a war.
questions:
  - id: q1
    reading: origins
    prompt: Why did the Soviet Union send missiles to Cuba?
    answer: To protect Cuba and to answer the U.S. missiles in Turkey.
    points: 2
    lines: 8
  - id: q2
    reading: origins
    prompt: Which did Kennedy choose?
    kind: choice
    choices: [An air strike, A naval blockade, An invasion]
    answer: B
    points: 1
  - id: q3
    reading: us-aims
    prompt: What did the United States want?
    answer: The missiles out of Cuba, without a war.
    points: 2
    lines: 8
timeline:
  title: From Sputnik to the hotline
  instructions: Number the events from 1 (earliest) to 3 (latest).
  mode: order
  events:
    - date: 1957-10-04
      label: Sputnik 1 launched
    - date: 1961-04
      label: Bay of Pigs invasion
    - date: 1963-06
      label: Hotline agreed
"""


def write_small_lesson(root: Path) -> Path:
    """SMALL_LESSON as `root/lessons/missile-crisis`; returns its folder."""
    folder = root / "lessons" / SMALL_SLUG
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "lesson.yaml").write_text(SMALL_LESSON, encoding="utf-8")
    return folder


def invoke(*args: str):
    """`lessonpack ARGS` in-process, in the current folder (what the `cli` fixture runs);
    for module-scoped fixtures, which cannot use `cli`."""
    from builder.cli import app

    return CliRunner().invoke(app, list(args))


@pytest.fixture(autouse=True)
def ctrl_c_left_as_found():
    """Fail the test that changes how this process handles Ctrl-C: every process the
    tests start later (`lessonpack serve`, a build to interrupt) inherits it."""
    before = signal.getsignal(signal.SIGINT)
    yield
    after = signal.getsignal(signal.SIGINT)
    signal.signal(signal.SIGINT, before)
    assert after is before, f"the test left SIGINT handled by {after!r}, not {before!r}"


@pytest.fixture
def server():
    """A local HTTP server that must never receive a request: (its address, the paths
    it was asked for). It answers with a stylesheet, so a fetch would take effect."""
    hits: list[str] = []

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            self.send_response(200)
            self.end_headers()
            self.wfile.write(b"body { color: red }")

        def log_message(self, *args):
            pass

    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}", hits
    httpd.shutdown()


@pytest.fixture
def project(tmp_path: Path, monkeypatch) -> Path:
    """A project folder holding a copy of the sample lesson; the current folder."""
    shutil.copytree(SAMPLE, tmp_path / "lessons" / SLUG)
    monkeypatch.chdir(tmp_path)
    return tmp_path


@pytest.fixture
def write_lesson(tmp_path: Path, monkeypatch):
    """write_lesson(slug, yaml_text, files={...}) -> lesson folder, in a project at tmp_path."""
    monkeypatch.chdir(tmp_path)

    def write(slug: str, yaml_text: str, files: dict[str, str] | None = None) -> Path:
        folder = tmp_path / "lessons" / slug
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "lesson.yaml").write_text(textwrap.dedent(yaml_text), encoding="utf-8")
        for name, content in (files or {}).items():
            (folder / name).parent.mkdir(parents=True, exist_ok=True)
            (folder / name).write_text(content, encoding="utf-8")
        return folder

    return write


@pytest.fixture
def cli():
    """Run `lessonpack ARGS` in-process; returns the result with stdout and stderr apart."""
    return invoke


@pytest.fixture(scope="session")
def sample_results(tmp_path_factory) -> dict:
    """The sample lesson built once per paper size: {'letter': builder.Result, 'a4': ...}
    of `build([root/'lessons'], BuildOptions(out_dir=root/'dist-<paper>', paper=<paper>))`
    (its problems are the build's warnings). Read only."""
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(SAMPLE, root / "lessons" / SLUG)
    return {
        paper: build([root / "lessons"], BuildOptions(out_dir=root / f"dist-{paper}", paper=paper))
        for paper in ("letter", "a4")
    }


@pytest.fixture(scope="session")
def sample_build(sample_results) -> dict[str, Path]:
    """The sample lesson built once per paper size: {'letter': dir, 'a4': dir}."""
    return {
        paper: next(o.path for o in result.outputs if o.path.name == f"{SLUG}-student.pdf").parent
        for paper, result in sample_results.items()
    }


def lesson_view(source, paper: str = "letter", large_print: bool = False):
    """The render context of a lesson as a build prints it, its line numbers measured."""
    from builder.compose.assemble import assemble, needs_measuring
    from builder.output.documents import measure_job
    from builder.output.plan import Group, Layout
    from builder.render.pdf import measure_lines

    lines = None
    if needs_measuring(source):
        group = Group(source, Layout(paper, large_print), ("",), 1, key=False, html=False)
        lines = measure_lines(measure_job(group))
    return assemble(source, lines=lines, large_print=large_print)


def plain(markup: object) -> str:
    """Text of an HTML fragment as it appears on the page, whitespace collapsed."""
    return squash(html.unescape(re.sub(r"<[^>]+>", "", str(markup))))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    return joined_text(page.extract_text() for page in PdfReader(path).pages)


def joined_text(page_texts) -> str:
    """pdf_text of a PDF whose pages' extracted texts are `page_texts`."""
    text = squash(" ".join(t or "" for t in page_texts))
    return re.sub(r"(?<=\w)- (?=\w)", "-", text)  # "long-" at a line end + "range"


def write_png(path, width=40, height=20):
    """A small valid grey PNG, written without any imaging library."""
    raw = b"".join(b"\x00" + b"\x80" * width for _ in range(height))

    def chunk(kind, data):
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def assert_print_ready(pdf_path: Path) -> None:
    """What shared/tools/pdfcheck.py checks: title, language, tags, embedded fonts, no
    attachments or local links, and no ink within 0.25 in of the paper edge."""
    import pypdfium2
    from pypdf import PdfReader

    reader = PdfReader(pdf_path)
    root = reader.trailer["/Root"]
    assert reader.metadata.title, "no title"
    assert str(root.get("/Lang", "")), "no language"
    assert "/StructTreeRoot" in root, "not tagged"
    assert not reader.attachments
    for page in reader.pages:
        for ref in (page["/Resources"].get("/Font") or {}).values():
            font = ref.get_object()
            if font.get("/Subtype") == "/Type3":
                continue
            descriptor = font.get("/FontDescriptor")
            if descriptor is None:
                descriptor = font["/DescendantFonts"][0].get_object()["/FontDescriptor"]
            descriptor = descriptor.get_object()
            assert any(k in descriptor for k in ("/FontFile", "/FontFile2", "/FontFile3"))
        for annot in page.get("/Annots") or []:
            action = annot.get_object().get("/A") or {}
            assert action.get("/S") not in ("/Launch", "/JavaScript")
            assert not str(action.get("/URI", "")).lower().startswith(("file:", "javascript:"))
    document = pypdfium2.PdfDocument(str(pdf_path))
    for index in range(len(document)):
        image = document[index].render(scale=1).to_pil().convert("L")
        width, height = image.size
        band = 18  # 0.25 in at 72 dpi
        for box in (
            (0, 0, width, band),
            (0, height - band, width, height),
            (0, 0, band, height),
            (width - band, 0, width, height),
        ):
            assert image.crop(box).getextrema()[0] >= 200, (pdf_path.name, index + 1, box)


def start_serve(project: Path) -> tuple[subprocess.Popen, str]:
    """`lessonpack serve` on a free port in `project`, started as a teacher would; returns
    the process and its address once it says where it listens."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen(
        [sys.executable, "-m", "builder", "serve", "--port", str(port)],
        cwd=project,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    first = process.stderr.readline()
    assert f"at http://127.0.0.1:{port}" in first, first
    return process, f"http://127.0.0.1:{port}"
