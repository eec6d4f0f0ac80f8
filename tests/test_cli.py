"""Every command of the README, through the CLI as a teacher runs it.

The build commands run on conftest's small lesson: what they prove (files, names,
paper, messages) does not need the sample's 16 pages. `check --strict` and `list`
still run on the sample."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import SAMPLE, SLUG, SMALL_SLUG, pdf_text, write_small_lesson
from pypdf import PdfReader


@pytest.fixture
def small_project(tmp_path, monkeypatch):
    """A project holding conftest's small lesson only; the current folder."""
    write_small_lesson(tmp_path)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_build_writes_student_and_key_pdfs(small_project, cli):
    result = cli("build")
    assert result.exit_code == 0, result.output
    out = small_project / "dist" / SMALL_SLUG
    assert "Built 2 files in" in result.stdout
    for name in (f"{SMALL_SLUG}-student.pdf", f"{SMALL_SLUG}-key.pdf"):
        assert f"dist/{SMALL_SLUG}/{name}" in result.stdout
        assert len(PdfReader(out / name).pages) >= 3
    # no staging folder left; the build cache is hidden beside the lesson
    listing = sorted(p.name for p in (small_project / "dist").iterdir())
    assert listing == [".lessonpack-cache", SMALL_SLUG]


def test_build_a4_into_another_folder_without_key(small_project, cli):
    result = cli(
        "build", f"lessons/{SMALL_SLUG}", "--paper", "a4", "--no-key", "-o", "dist-a4", "--strict"
    )
    assert result.exit_code == 0, result.output
    out = small_project / "dist-a4" / SMALL_SLUG
    assert [p.name for p in out.iterdir()] == [f"{SMALL_SLUG}-student.pdf"]
    page = PdfReader(out / f"{SMALL_SLUG}-student.pdf").pages[0]
    assert (round(float(page.mediabox.width)), round(float(page.mediabox.height))) == (595, 842)


def test_build_accepts_a_lesson_yaml_path(small_project, cli):
    result = cli("build", f"lessons/{SMALL_SLUG}/lesson.yaml", "--no-key")
    assert result.exit_code == 0, result.output
    assert (small_project / "dist" / SMALL_SLUG / f"{SMALL_SLUG}-student.pdf").exists()


def test_build_html_writes_pages_with_their_stylesheet(small_project, cli):
    result = cli("build", "--html")
    assert result.exit_code == 0, result.output
    out = small_project / "dist" / SMALL_SLUG
    page = (out / f"{SMALL_SLUG}-student.html").read_text()
    assert '<link rel="stylesheet" href="lesson.css">' in page
    assert '<html lang="en">' in page
    assert (out / "lesson.css").read_text().startswith("/* lessonpack")
    assert "Answer:" in (out / f"{SMALL_SLUG}-key.html").read_text()
    assert "Answer:" not in page


def test_check_is_quiet_and_fast_path_for_valid_lessons(project, cli):
    result = cli("check")
    assert result.exit_code == 0
    assert result.stdout.strip() == "1 lesson ok"
    assert not (project / "dist").exists()


def test_check_strict_renders_and_passes_on_the_sample(project, cli):
    result = cli("check", "--strict")
    assert result.exit_code == 0, result.stderr
    assert not (project / "dist").exists()


def test_new_scaffolds_a_lesson_that_builds_at_once(tmp_path, monkeypatch, cli):
    monkeypatch.chdir(tmp_path)
    result = cli("new", "fall-of-rome", "--title", "The Fall of Rome: causes")
    assert result.exit_code == 0, result.output
    assert "lessons/fall-of-rome/lesson.yaml" in result.stdout
    text = (tmp_path / "lessons" / "fall-of-rome" / "lesson.yaml").read_text()
    for field in (
        "title:",
        "subtitle:",
        "subject:",
        "grade:",
        "duration:",
        "language:",
        "central_question:",
        "objectives:",
        "readings:",
        "id:",
        "source:",
        "headnote:",
        "file:",
        "text:",
        "glossary:",
        "term:",
        "meaning:",
        "questions:",
        "reading:",
        "prompt:",
        "kind:",
        "lines:",
        "points:",
        "choices:",
        "answer:",
        "timeline:",
        "instructions:",
        "mode:",
        "events:",
        "date:",
        "label:",
    ):
        assert field in text, field
    check = cli("check", "--strict")
    assert check.exit_code == 0, check.stderr
    built = cli("build")
    assert built.exit_code == 0, built.output
    student = tmp_path / "dist" / "fall-of-rome" / "fall-of-rome-student.pdf"
    assert "The Fall of Rome: causes" in pdf_text(student)
    assert "Hopeful" in pdf_text(student)  # the choice question's choices


def test_new_refuses_to_overwrite_and_rejects_bad_names(tmp_path, monkeypatch, cli):
    monkeypatch.chdir(tmp_path)
    assert cli("new", "rome").exit_code == 0
    lesson = tmp_path / "lessons" / "rome" / "lesson.yaml"
    lesson.write_text("title: Mine\n")
    again = cli("new", "rome")
    assert again.exit_code == 1
    assert "will not overwrite" in again.stderr
    assert lesson.read_text() == "title: Mine\n"
    bad = cli("new", "Fall Of Rome")
    assert bad.exit_code == 2
    assert "lowercase letters, digits and hyphens" in bad.stderr


def test_list_shows_titles_counts_and_invalid_lessons(project, cli):
    broken = project / "lessons" / "broken"
    broken.mkdir()
    (broken / "lesson.yaml").write_text("title: [x]\nqustions: []\n")
    result = cli("list")
    assert result.exit_code == 0
    assert (
        f"{SLUG}  Origins of the Cuban Missile Crisis  (2 readings, 9 questions, "
        "10 timeline events)"
    ) in result.stdout
    assert "broken  INVALID (2 problems" in result.stdout


def test_list_and_the_preview_agree_about_titles_and_lesson_counts(small_project, cli):
    """A bundle with no title, or naming a lesson that is not there, reads the same in
    `lessonpack list` as on the preview's index: both come from the project catalog."""
    from builder.preview.catalog import scan

    lessons = small_project / "lessons"
    (lessons / "untitled.bundle.yaml").write_text(f"lessons: [{SMALL_SLUG}, no-such-lesson]\n")
    (lessons / "week-3.bundle.yaml").write_text(
        f"title: Week 3\nlessons:\n  - lesson: {SMALL_SLUG}\n  - Bad Name\n  - {{}}\n"
    )
    result = cli("list")
    assert result.exit_code == 0, result.output
    printed = result.stdout.splitlines()
    assert "untitled  untitled  (bundle of 2 lessons)" in printed
    assert "week-3  Week 3  (bundle of 3 lessons)" in printed
    catalog = scan([lessons])
    assert [t.name for t in catalog.bundles()] == ["untitled", "week-3"]
    for target in catalog.bundles():
        assert f"{target.name}  {target.title}  ({target.summary})" in printed
    (lesson,) = catalog.lessons()
    assert any(line.startswith(f"{SMALL_SLUG}  {lesson.title}  (") for line in printed)


def test_missing_path_is_a_usage_error(project, cli):
    result = cli("build", "no-such-folder")
    assert result.exit_code == 2
    assert "does not exist" in result.output


def test_no_lessons_folder_is_a_usage_error(tmp_path, monkeypatch, cli):
    monkeypatch.chdir(tmp_path)
    result = cli("build")
    assert result.exit_code == 2
    assert "no ./lessons folder here" in result.stderr


@pytest.mark.parametrize("command", ["build", "check", "serve", "new", "list"])
def test_each_command_has_useful_help(cli, command):
    result = cli(command, "--help")
    assert result.exit_code == 0
    assert "Example: lessonpack " + command in result.stdout


COMMANDS_WITHOUT_WEASYPRINT = [["--help"], ["check"], ["list"]]


@pytest.fixture(scope="module")
def weasyprint_imported(tmp_path_factory) -> dict[str, str]:
    """For each of COMMANDS_WITHOUT_WEASYPRINT, run in turn in one fresh Python process
    in a copy of the sample project: whether WeasyPrint or Jinja was imported after it
    ('True' or 'False'). Imports only add up, so 'False' for the last means 'False' for
    each alone."""
    project = tmp_path_factory.mktemp("imports")
    shutil.copytree(SAMPLE, project / "lessons" / SLUG)
    code = "import sys\nfrom builder.cli import app\nHEAVY = {'weasyprint', 'jinja2'}\n"
    for args in COMMANDS_WITHOUT_WEASYPRINT:
        code += (
            f"try:\n    app({args!r})\nexcept SystemExit:\n    pass\n"
            f"print('after', {' '.join(args)!r}, bool(HEAVY & set(sys.modules)))\n"
        )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=project, timeout=60
    )
    found = {}
    for line in done.stdout.splitlines():
        if line.startswith("after "):
            _, command, imported = line.rsplit(" ", 2)
            found[command] = imported
    found["stderr"] = done.stderr
    return found


@pytest.mark.parametrize("args", COMMANDS_WITHOUT_WEASYPRINT)
def test_help_check_and_list_do_not_import_weasyprint(weasyprint_imported, args):
    assert weasyprint_imported.get(" ".join(args)) == "False", weasyprint_imported["stderr"]


def test_python_dash_m_builder_runs(project):
    done = subprocess.run(
        [sys.executable, "-m", "builder", "check"],
        capture_output=True,
        text=True,
        cwd=project,
        timeout=60,
    )
    assert done.returncode == 0, done.stderr
    assert "1 lesson ok" in done.stdout


def test_builtin_theme_is_found_where_the_package_is_installed():
    from builder.project.files import builtin_dir

    assert (builtin_dir("templates") / "student.html").is_file()
    assert (builtin_dir("templates") / "partials" / "question.html").is_file()
    assert (builtin_dir("styles") / "lesson.css").is_file()
    assert Path(builtin_dir("templates")).is_absolute()
