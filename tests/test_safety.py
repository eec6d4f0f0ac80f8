"""A lesson is untrusted input (SPEC §6): no network, no files outside the project, no
code from lesson text. Each hostile lesson is refused with a clear error or rendered
inert, and the tests prove nothing was read or fetched."""

from __future__ import annotations

import pytest
from conftest import pdf_text
from pypdf import PdfReader

LESSON = """\
title: Hostile
readings:
  - id: a
    title: A reading
    {reading}
questions:
  - prompt: "What is {{{{ 7*7 }}}}? {{% raw %}}"
    answer: "Forty-nine"
"""


def test_template_syntax_in_lesson_text_prints_literally(write_lesson, cli):
    write_lesson(
        "hostile", LESSON.format(reading="text: 'Sum: {{ 6*7 }} and {% if true %}x{% endif %}'")
    )
    result = cli("build", "--html")
    assert result.exit_code == 0, result.output
    student = pdf_text(__import__("pathlib").Path("dist/hostile/hostile-student.pdf"))
    assert "What is {{ 7*7 }}? {% raw %}" in student
    assert "Sum: {{ 6*7 }} and {% if true %}x{% endif %}" in student
    assert "49" not in student and "42" not in student


def test_raw_html_in_markdown_is_sanitized(write_lesson, cli, tmp_path):
    hostile = (
        "text: |\n      Hello <script>alert(1)</script><iframe src='x'></iframe>\n"
        "      <img src=x onerror=alert(1)> <style>body{}</style>\n"
        "      [click](javascript:alert(1)) [local](file:///etc/passwd)\n"
        "      <link rel=attachment href='/etc/passwd'> <form><input></form>"
    )
    write_lesson("hostile", LESSON.format(reading=hostile))
    result = cli("build", "--html")
    assert result.exit_code == 0, result.output
    page = (tmp_path / "dist" / "hostile" / "hostile-student.html").read_text().lower()
    body = page.split("<body", 1)[1]
    for bad in (
        "<script",
        "<iframe",
        "onerror",
        "<style",
        "javascript:",
        "file:",
        "attachment",
        "<form",
        "<input",
        "<img",
    ):
        assert bad not in body, bad
    reader = PdfReader(tmp_path / "dist" / "hostile" / "hostile-student.pdf")
    assert not reader.attachments
    for page_obj in reader.pages:
        for annot in page_obj.get("/Annots") or []:
            uri = str((annot.get_object().get("/A") or {}).get("/URI", ""))
            assert not uri.lower().startswith(("file:", "javascript:"))


@pytest.mark.parametrize("where", ["parent", "absolute", "symlink"])
def test_reading_files_outside_the_project_are_refused(where, write_lesson, cli, tmp_path):
    secret = tmp_path.parent / f"secret-{where}.md"
    secret.write_text("TOP SECRET TEXT")
    folder = write_lesson("hostile", "title: T\n")
    if where == "parent":
        name = "../../../" + secret.name
    elif where == "absolute":
        name = str(secret)
    else:
        (folder / "link.md").symlink_to(secret)
        name = "link.md"
    (folder / "lesson.yaml").write_text(f"title: T\nreadings:\n  - id: a\n    file: {name}\n")
    result = cli("build")
    assert result.exit_code == 1
    assert "lessons/hostile/lesson.yaml:4:11: error: reading file" in result.stderr
    assert "is outside the lesson project" in result.stderr
    assert not (tmp_path / "dist" / "hostile").exists()


@pytest.mark.parametrize("kind", ["lesson", "bundle"])
def test_a_lesson_or_bundle_file_linked_from_outside_the_project_is_refused(
    kind, write_lesson, cli, tmp_path
):
    outside = tmp_path.parent / f"outside-{kind}.yaml"
    outside.write_text("title: Not from this project\nlessons: [ok]\n")
    write_lesson("ok", "title: A lesson of this project\n")
    if kind == "lesson":
        folder = tmp_path / "lessons" / "linked"
        folder.mkdir()
        (folder / "lesson.yaml").symlink_to(outside)
        shown = "lessons/linked/lesson.yaml"
    else:
        (tmp_path / "lessons" / "unit.bundle.yaml").symlink_to(outside)
        shown = "lessons/unit.bundle.yaml"
    result = cli("check")
    assert result.exit_code == 1
    assert f"{shown}: error: '{shown}' is outside the lesson project" in result.stderr
    assert "Not from this project" not in result.output


def test_device_files_are_refused(write_lesson, cli):
    write_lesson("hostile", "title: T\nreadings:\n  - id: a\n    file: /dev/zero\n")
    result = cli("check")
    assert result.exit_code == 1
    assert "lesson.yaml:4:11: error: reading file" in result.stderr


@pytest.mark.parametrize(
    "css",
    [
        '@import url("{url}/import.css");',
        'body {{ background: url("{url}/bg.png"); }}',
        'body {{ background: url("file:///etc/passwd"); }}',
    ],
)
def test_stylesheets_cannot_reach_the_network_or_outside_files(
    css, server, write_lesson, cli, tmp_path
):
    url, hits = server
    write_lesson("hostile", "title: T\n")
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "custom.css").write_text(css.format(url=url))
    result = cli("build")
    assert result.exit_code == 1, result.output
    assert "lessons/hostile/lesson.yaml: error: refused to load" in result.stderr
    assert hits == []
    assert not (tmp_path / "dist" / "hostile").exists()


def test_fetcher_serves_data_urls_and_project_files_only(tmp_path):
    from builder.render.pdf import ProjectURLFetcher, _RefusedURL

    (tmp_path / "ok.css").write_text("p {}")
    fetcher = ProjectURLFetcher((tmp_path,))
    assert fetcher.fetch((tmp_path / "ok.css").as_uri()).read() == b"p {}"
    assert fetcher.fetch("data:text/plain,hi").read() == b"hi"
    for url in (
        "http://127.0.0.1:9/x",
        "https://example.org/x",
        "ftp://x/y",
        "file:///etc/passwd",
        "file://otherhost/etc/passwd",
        (tmp_path / ".." / "x").as_uri(),
    ):
        with pytest.raises(_RefusedURL):
            fetcher.fetch(url)


def test_project_template_override_extends_the_builtin(write_lesson, cli, tmp_path):
    write_lesson("themed", "title: Themed lesson\nsubject: History\n")
    (tmp_path / "templates").mkdir()
    (tmp_path / "templates" / "student.html").write_text(
        '{% extends "default/student.html" %}\n'
        "{% block content %}<p>Lincoln High School</p>{{ super() }}{% endblock %}\n"
    )
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "custom.css").write_text("h1 { font-size: 30pt; }")
    result = cli("build", "--no-key")
    assert result.exit_code == 0, result.output
    assert "Lincoln High School" in pdf_text(tmp_path / "dist/themed/themed-student.pdf")


def test_broken_or_unsafe_override_names_the_template_and_line(write_lesson, cli, tmp_path):
    write_lesson("themed", "title: T\n")
    (tmp_path / "templates").mkdir()
    template = tmp_path / "templates" / "student.html"
    template.write_text(
        '{% extends "default/student.html" %}\n{% block content %}\n'
        "{{ lesson.__class__.__mro__ }}\n{% endblock %}\n"
    )
    result = cli("build")
    assert result.exit_code == 1
    assert "templates/student.html:3: error: template error" in result.stderr
    template.write_text("{% block content %}\n{% if %}\n")
    result = cli("build")
    assert result.exit_code == 1
    assert "templates/student.html:2: error: template error" in result.stderr


@pytest.mark.parametrize(
    "image", ["{url}/map.png", "file:///etc/passwd", "/etc/passwd", "../../../../etc/passwd"]
)
def test_images_cannot_come_from_the_network_or_outside(image, server, write_lesson, cli):
    url, hits = server
    write_lesson(
        "hostile",
        f"""\
        title: T
        readings:
          - id: a
            text: x
            images:
              - file: {image.format(url=url)}
                alt: a map
        """,
    )
    result = cli("build")
    assert result.exit_code == 1
    assert "lessons/hostile/lesson.yaml:6:15: error: image" in result.stderr
    assert hits == []
