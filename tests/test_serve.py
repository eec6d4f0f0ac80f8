"""`lessonpack serve`: the preview's routes through an HTTP test client, and the command
itself started and stopped like a teacher would (Ctrl-C)."""

from __future__ import annotations

import io
import json
import os
import signal
import socket
import subprocess
import sys
import textwrap
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import SLUG, squash, start_serve
from pypdf import PdfReader
from starlette.testclient import TestClient

from builder.errors import LessonError
from builder.preview.app import create_app
from builder.preview.builds import Previews

TITLE = "Origins of the Cuban Missile Crisis"
TIMEOUT = 30  # seconds: only to catch a hang, never a speed limit


@pytest.fixture
def serve(tmp_path_factory):
    """serve(*paths) -> a TestClient on the preview app (file watching on)."""
    clients = []

    def start(*paths: Path, host: str = "127.0.0.1") -> TestClient:
        previews = Previews(list(paths), tmp_path_factory.mktemp("preview-builds"))
        client = TestClient(create_app(previews), base_url=f"http://{host}:8000")
        client.__enter__()  # runs startup: finds the lessons, starts watching
        clients.append(client)
        return client

    yield start
    for client in clients:
        client.__exit__(None, None, None)


def wait_for(condition, what: str):
    deadline = time.monotonic() + TIMEOUT
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f"timed out waiting for {what}")


def state(client: TestClient, target: str = f"lesson/{SLUG}", paper: str = "letter") -> dict:
    response = client.get(f"/{target}/{paper}/state.json")
    assert response.status_code == 200, response.text
    return response.json()


def test_the_list_links_every_lesson_and_bundle(project, serve):
    (project / "lessons" / "week.bundle.yaml").write_text(
        f"title: Week 3 packet\nlessons:\n  - {SLUG}\n", encoding="utf-8"
    )
    page = serve(project / "lessons").get("/")
    assert page.status_code == 200
    assert f'<a href="/lesson/{SLUG}">{TITLE}</a>' in page.text
    assert "2 readings, 9 questions, 10 timeline events" in page.text
    assert '<a href="/bundle/week">Week 3 packet</a>' in page.text


def test_preview_shows_the_printed_pages_of_sheet_and_key(project, serve):
    client = serve(project / "lessons")
    page = client.get(f"/lesson/{SLUG}")
    assert page.status_code == 200
    assert '<h2 id="heading-student">Student sheet</h2>' in page.text
    assert '<h2 id="heading-key">Answer key</h2>' in page.text
    preview = state(client)
    student, key = preview["documents"]
    assert (student["name"], key["name"]) == ("student", "key")
    pdf = PdfReader(io.BytesIO(client.get(student["pdf"]).content))
    assert len(pdf.pages) == len(student["pages"])  # one image per printed page
    assert f"{len(student['pages'])} pages" in page.text
    image = client.get(student["pages"][0]["src"])
    assert image.headers["content-type"] == "image/png"
    from PIL import Image

    width, height = Image.open(io.BytesIO(image.content)).size
    assert abs(width / height - 8.5 / 11) < 0.01  # a whole Letter page, margins included


def test_paper_switch_gives_a4_pages(project, serve):
    client = serve(project / "lessons")
    page = client.get(f"/lesson/{SLUG}?paper=a4")
    assert page.status_code == 200
    assert 'aria-current="page">A4</a>' in page.text
    download = client.get(f"/lesson/{SLUG}/a4/student.pdf")
    assert download.headers["content-type"] == "application/pdf"
    assert f'filename="{SLUG}-student.pdf"' in download.headers["content-disposition"]
    box = PdfReader(io.BytesIO(download.content)).pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)


def test_pdf_download_is_the_key_with_its_answers(project, serve):
    client = serve(project / "lessons")
    client.get(f"/lesson/{SLUG}")
    key = client.get(f"/lesson/{SLUG}/letter/key.pdf")
    assert key.status_code == 200
    text = squash(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(key.content)).pages))
    assert "ANSWER KEY" in text and TITLE in text
    answer = "counting both days"  # from q2's model answer in the sample lesson
    assert answer in text
    student = client.get(f"/lesson/{SLUG}/letter/student.pdf")
    assert student.status_code == 200
    pages = PdfReader(io.BytesIO(student.content)).pages
    student_text = squash(" ".join(p.extract_text() for p in pages))
    assert TITLE in student_text
    assert answer not in student_text and "ANSWER KEY" not in student_text


def test_web_page_is_served_with_its_stylesheet_and_no_scripts(project, serve):
    client = serve(project / "lessons")
    web = next(d["web"] for d in state(client)["documents"] if d["name"] == "student")
    page = client.get(web)
    assert page.status_code == 200
    assert '<html lang="en">' in page.text and f"<h1>{TITLE}</h1>" in page.text
    assert page.headers["content-security-policy"].startswith("sandbox;")
    css = client.get(web.rsplit("/", 1)[0] + "/lesson.css")
    assert css.status_code == 200 and "@media screen" in css.text


def test_paths_outside_the_project_are_refused(project, serve, tmp_path_factory):
    secret = tmp_path_factory.mktemp("outside") / "secret.txt"
    secret.write_text("TOP SECRET GRADES", encoding="utf-8")
    client = serve(project / "lessons")
    client.get(f"/lesson/{SLUG}")
    base = f"/lesson/{SLUG}/letter/web/"
    for url in (
        base + "..%2F..%2F..%2Fsecret.txt",
        base + "%2e%2e/%2e%2e/secret.txt",
        base + str(secret).lstrip("/"),
        base + "../../../secret.txt",
        "/_preview/..%2F..%2Fserve.py",
        "/page/..%2F..%2Fsecret/1.png",
        f"/lesson/{SLUG}/letter/..%2F..%2Fsecret.pdf",
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert "TOP SECRET" not in response.text, url


def test_a_lesson_reading_a_file_outside_its_project_shows_the_refusal(
    write_lesson, serve, tmp_path_factory
):
    folder = write_lesson(
        "leaky",
        """\
        title: Leaky
        readings:
          - id: a
            file: notes.md
        """,
    )
    secret = tmp_path_factory.mktemp("outside") / "secret.md"
    secret.write_text("TOP SECRET GRADES", encoding="utf-8")
    (folder / "notes.md").symlink_to(secret)
    client = serve(folder.parent)
    page = client.get("/lesson/leaky")
    assert page.status_code == 200
    assert "outside the lesson project" in page.text
    assert "TOP SECRET" not in page.text
    assert state(client, "lesson/leaky")["documents"] == []


def test_an_invalid_lesson_shows_its_error_with_file_and_line_and_clears_when_fixed(
    write_lesson, serve
):
    lesson = """\
        title: Dates
        timeline:
          title: Events
          events:
            - date: 1962-10-22
              label: Speech
            - date: {date}
              label: Deal
        """
    folder = write_lesson("dates", lesson.format(date="1962-02-30"))
    client = serve(folder.parent)
    page = client.get("/lesson/dates")
    assert page.status_code == 200
    assert "1 problem to fix" in page.text
    assert "lessons/dates/lesson.yaml:7:" in page.text
    assert "not a real date" in page.text
    assert '<span class="number">7</span>    - date: 1962-02-30' in page.text  # the line quoted
    (folder / "lesson.yaml").write_text(
        textwrap.dedent(lesson.format(date="1962-10-28")), encoding="utf-8"
    )
    fixed = wait_for(
        lambda: (s := state(client, "lesson/dates"))["problems"] == [] and s, "the fix to show"
    )
    assert not fixed["failed"] and [d["name"] for d in fixed["documents"]] == ["student", "key"]


def test_template_override_added_while_serving_is_used(project, serve):
    override = project / "templates" / "partials" / "header.html"
    override.parent.mkdir(parents=True)  # the project has templates, not this one yet
    client = serve(project / "lessons")
    client.get(f"/lesson/{SLUG}")  # renders with the built-in header
    override.write_text(
        '{% extends "default/partials/header.html" %}\n'
        '{% block school %}<p class="school">Lincoln High School</p>{% endblock %}\n',
        encoding="utf-8",
    )

    def student_text() -> str:
        response = client.get(f"/lesson/{SLUG}/letter/student.pdf")
        return PdfReader(io.BytesIO(response.content)).pages[0].extract_text()

    wait_for(lambda: state(client) and "Lincoln High School" in student_text(), "the override")


def test_event_stream_sends_the_current_state(project, tmp_path_factory):
    previews = Previews([project / "lessons"], tmp_path_factory.mktemp("builds"))
    stop = {"now": False}
    app = create_app(previews, stopping=lambda: stop["now"], watch_files=False)
    with TestClient(app, base_url="http://127.0.0.1:8000") as client:
        client.get(f"/lesson/{SLUG}")
        with client.stream("GET", f"/events?target=lesson/{SLUG}&paper=letter") as events:
            lines = events.iter_lines()
            assert next(lines) == "retry: 1000"
            event = next(line for line in lines if line.startswith("event:"))
            data = json.loads(next(lines).removeprefix("data: "))
            stop["now"] = True
    assert event == "event: state"
    assert data["title"] == TITLE and data["version"] >= 1


def test_requests_naming_another_host_are_refused(project, serve):
    client = serve(project / "lessons", host="attacker.example")
    assert client.get("/").status_code == 400


def test_a_port_in_use_is_reported_plainly(project):
    from builder.preview.serve import run

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(LessonError, match=f"port {port} is already in use"):
            run([project / "lessons"], port=port)


def test_serve_runs_until_ctrl_c_then_exits_130(project):
    server, address = start_serve(project)
    try:
        with urllib.request.urlopen(f"{address}/", timeout=TIMEOUT) as response:
            assert TITLE in response.read().decode()
        server.send_signal(signal.SIGINT)
        assert server.wait(TIMEOUT) == 130
    finally:
        if server.poll() is None:
            server.kill()
            server.wait()


def _serve_process(project: Path, ignore_sigint: bool) -> tuple[subprocess.Popen, str, Path]:
    """`lessonpack serve` started as a teacher would, its messages going to a file; with
    `ignore_sigint`, from a parent that ignores Ctrl-C, as some shells and runners do."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    log = project / "serve.log"
    with log.open("w") as messages:
        process = subprocess.Popen(
            [sys.executable, "-m", "builder", "serve", "--port", str(port)],
            cwd=project,
            stderr=messages,
            preexec_fn=(lambda: signal.signal(signal.SIGINT, signal.SIG_IGN))
            if ignore_sigint
            else None,
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
        )
    return process, f"http://127.0.0.1:{port}", log


def _stop(process: subprocess.Popen) -> int:
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(TIMEOUT)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


@pytest.mark.parametrize("ignore_sigint", [False, True], ids=["default", "parent-ignores"])
def test_ctrl_c_stops_serve_with_130_even_when_the_parent_ignores_it(project, ignore_sigint):
    process, address, log = _serve_process(project, ignore_sigint)
    deadline = time.monotonic() + TIMEOUT
    while "Press Ctrl-C" not in log.read_text() and time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        time.sleep(0.05)
    with urllib.request.urlopen(f"{address}/", timeout=TIMEOUT) as response:
        assert TITLE in response.read().decode()
    assert _stop(process) == 130, log.read_text()
    assert "Traceback" not in log.read_text()


def _ignores_sigint(pid: int) -> bool:
    """Whether the process ignores SIGINT now (Linux: the SigIgn mask in /proc)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("SigIgn:"):
            return bool(int(line.split()[1], 16) & (1 << (signal.SIGINT - 1)))
    raise AssertionError("no SigIgn line")


@pytest.mark.parametrize("delay", [0.0, 0.3, 0.8])
def test_ctrl_c_while_serve_starts_up_exits_130(project, delay):
    """Ctrl-C before the server answers (importing, finding lessons, binding the port),
    from the moment lessonpack's first line has run: it turns Ctrl-C back on, and the
    interrupt then ends it with 130 and no traceback, wherever it lands."""
    process, _, log = _serve_process(project, ignore_sigint=True)
    deadline = time.monotonic() + TIMEOUT
    while _ignores_sigint(process.pid) and time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()
        time.sleep(0.005)
    time.sleep(delay)
    assert _stop(process) == 130, log.read_text()
    assert "Traceback" not in log.read_text()


def test_the_preview_workers_warm_up_loads_the_pdf_renderer():
    """Each preview worker imports WeasyPrint before the first page is asked for (about
    1 s saved on the first preview); a warm-up that fails does so silently in the pool."""
    code = (
        "import sys\nfrom builder.output.workers import warm_up\nwarm_up()\n"
        "print('builder.render.pdf' in sys.modules, 'weasyprint' in sys.modules)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["True", "True"]
