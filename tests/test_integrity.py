"""Output integrity (SPEC §3, §4): all or nothing on any failure, never a partial file
after Ctrl-C, limits that fail fast, and a tag tree in reading order."""

from __future__ import annotations

import builtins
import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from conftest import SAMPLE, SLUG
from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject

from builder import BuildOptions, build


def test_a_failure_while_rendering_leaves_earlier_outputs_untouched(project, monkeypatch):
    out = project / "dist"
    build([project / "lessons"], BuildOptions(out_dir=out))
    before = {p.name: p.read_bytes() for p in (out / SLUG).iterdir()}
    (project / "lessons" / SLUG / "lesson.yaml").write_text(
        (SAMPLE / "lesson.yaml").read_text().replace("Origins of", "Changed origins of", 1)
    )
    import builder.output.workers as workers

    calls = []
    real_render = workers.render_task

    def failing_render(job):
        calls.append(job.identifier)
        if "-key" in job.identifier:
            raise RuntimeError("disk on fire")
        return real_render(job)

    monkeypatch.setattr(workers, "render_task", failing_render)
    with pytest.raises(RuntimeError):
        build([project / "lessons"], BuildOptions(out_dir=out, jobs=1))
    # a student sheet was rendered, then a key failed
    assert any("-student" in c for c in calls) and any("-key" in c for c in calls)
    assert {p.name: p.read_bytes() for p in (out / SLUG).iterdir()} == before
    assert not list(out.glob(".lessonpack-staging-*"))


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_ctrl_c_exits_130_and_leaves_no_partial_file(project, jobs):
    out = project / "dist"
    build([project / "lessons"], BuildOptions(out_dir=out))
    before = {p.name: p.read_bytes() for p in (out / SLUG).iterdir()}
    lesson = project / "lessons" / SLUG / "lesson.yaml"
    lesson.write_text(lesson.read_text().replace("Origins of", "Changed origins of", 1))
    process = subprocess.Popen(
        # 4 versions: enough documents for --jobs 2 to start worker processes
        [sys.executable, "-m", "builder", "build", "--jobs", jobs, "--versions", "4"],
        cwd=project,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    time.sleep(2)  # interrupt while rendering (the changed lesson takes several seconds)
    assert process.poll() is None, "the build ended before it could be interrupted"
    process.send_signal(signal.SIGINT)
    _, stderr = process.communicate(timeout=30)
    assert process.returncode == 130, stderr
    assert "Interrupted" in stderr and "Traceback" not in stderr
    after = {p.name: p.read_bytes() for p in (out / SLUG).iterdir()}
    assert after == before  # interrupted before the move: nothing replaced
    assert not list(out.glob(".lessonpack-staging-*"))


CTRL_C_LESSON = """\
title: {title}
questions:
  - prompt: Why do rivers bend?
    answer: Water wears away the outer bank faster.
"""


def _outputs(folder: Path) -> dict[str, bytes]:
    return {
        str(p.relative_to(folder)): p.read_bytes()
        for p in sorted(folder.rglob("*"))
        if p.is_file() and ".lessonpack-cache" not in p.relative_to(folder).parts
    }


@pytest.mark.parametrize("where", ["render", "write"])
def test_ctrl_c_after_a_new_document_leaves_only_whole_files(
    where, write_lesson, cli, tmp_path, monkeypatch
):
    """Ctrl-C once this build has made a new document: on rendering the second one, or
    half-way through writing the second file. Every output is then its old bytes or the
    whole new file, never a partial one, and no staging folder is left."""
    folder = write_lesson("rivers", CTRL_C_LESSON.format(title="Rivers"))
    assert cli("build", "--jobs", "1").exit_code == 0
    old = _outputs(tmp_path / "dist")
    assert set(old) == {"rivers/rivers-student.pdf", "rivers/rivers-key.pdf"}
    (folder / "lesson.yaml").write_text(CTRL_C_LESSON.format(title="Bending rivers"))
    assert cli("build", "--jobs", "1", "-o", "new").exit_code == 0
    new = _outputs(tmp_path / "new")
    assert all(new[name] != old[name] for name in old)
    out = tmp_path / "dist"
    calls: list[str] = []
    if where == "render":
        import builder.output.workers as workers

        real_render = workers.render_task

        def render(job):
            calls.append(job.identifier)
            if len(calls) == 2:
                raise KeyboardInterrupt
            return real_render(job)

        monkeypatch.setattr(workers, "render_task", render)
    else:
        real_open = io.open

        class HalfWritten:
            """A file that takes half of what it is given, then Ctrl-C."""

            def __init__(self, file):
                self.file = file

            def write(self, data):
                self.file.write(bytes(data)[: len(data) // 2])
                self.file.flush()
                raise KeyboardInterrupt

            def __enter__(self):
                return self

            def __exit__(self, *exc):
                self.file.close()

            def __getattr__(self, name):
                return getattr(self.file, name)

        def interrupting_open(file, mode="r", *args, **kwargs):
            opened = real_open(file, mode, *args, **kwargs)
            path = Path(os.path.abspath(file)) if isinstance(file, (str, Path)) else None
            writing = path and any(c in mode for c in "wax+") and path.is_relative_to(out)
            if writing and ".lessonpack-cache" not in path.parts:
                calls.append(str(path))
                if len(calls) == 2:
                    return HalfWritten(opened)
            return opened

        monkeypatch.setattr(io, "open", interrupting_open)
        monkeypatch.setattr(builtins, "open", interrupting_open)
    result = cli("build", "--jobs", "1")
    monkeypatch.undo()
    assert len(calls) >= 2, calls  # interrupted after a new document was made
    assert result.exit_code == 130, result.output
    assert "Interrupted" in result.stderr
    after = _outputs(out)
    assert set(after) == set(old)  # no stray or staging file
    for name, data in after.items():
        assert data in (old[name], new[name]), f"{name} is neither the old nor the new file"
        PdfReader(out / name)  # and it reads
    assert [p.name for p in out.iterdir() if p.name != ".lessonpack-cache"] == ["rivers"]


def test_limits_fail_fast_with_a_clear_message(write_lesson, cli):
    questions = "".join(f"  - prompt: Q{n}?\n    answer: a\n" for n in range(10_000))
    write_lesson("huge", "title: Huge\nquestions:\n" + questions)
    started = time.monotonic()
    result = cli("check")
    assert time.monotonic() - started < 30  # a hang guard, not a speed test (SPEC §5)
    assert result.exit_code == 1
    assert (
        "lessons/huge/lesson.yaml:3:3: error: 'questions' has 10000 items; at most 500 are allowed"
    ) in result.stderr


def test_deep_nesting_and_big_files_are_refused(write_lesson, cli, tmp_path):
    write_lesson("deep", "title: T\nobjectives: " + "[" * 200 + "]" * 200 + "\n")
    result = cli("check")
    assert result.exit_code == 1
    assert "nesting deeper than 32 levels is not allowed" in result.stderr
    folder = write_lesson("big", "title: T\nreadings:\n  - id: a\n    file: big.md\n")
    (folder / "big.md").write_text("x" * (5 * 1024 * 1024 + 1))
    result = cli("check", "lessons/big")
    assert "reading file 'lessons/big/big.md' is 5120 KB; the limit is 5 MB" in result.stderr


def test_tag_tree_follows_the_reading_order(sample_build):
    """Headings are tagged in the order the page reads: title, context, documents,
    questions, timeline; lists and tables are tagged too."""
    from conftest import lesson_view

    from builder import load_lesson
    from builder.render.html import render_html

    source, _ = load_lesson(SAMPLE)
    html = render_html(lesson_view(source), source.root, show_answers=False, paper="letter")
    expected = [f"/H{level}" for level in re.findall(r"<h([1-6])[ >]", html)]
    root = PdfReader(sample_build["letter"] / f"{SLUG}-student.pdf").trailer["/Root"]
    assert str(root["/Lang"]) == "en"
    tags: list[str] = []

    def walk(node):
        node = node.get_object() if hasattr(node, "get_object") else node
        if isinstance(node, DictionaryObject):
            if "/S" in node:
                tags.append(str(node["/S"]))
            kids = node.get("/K")
            for kid in kids if isinstance(kids, ArrayObject) else [kids]:
                walk(kid)

    walk(root["/StructTreeRoot"])
    assert [t for t in tags if re.fullmatch(r"/H[1-6]", t)] == expected
    assert len(expected) >= 10
    for tag in ("/L", "/LI", "/Table", "/TR", "/P"):
        assert tag in tags, tag


def test_ctrl_c_wrapped_by_an_import_hook_still_exits_130(monkeypatch):
    """Ctrl-C landing inside a hook Python runs while importing (a class's __set_name__,
    as in ipaddress) arrives as a RuntimeError caused by KeyboardInterrupt; it once ended
    `lessonpack serve` with status 1 and a traceback (seen in CI). Any other error at
    start-up still propagates."""
    import builder.__main__ as entry

    real_import = builtins.__import__

    def interrupted(error):
        def fake(name, *args, **kwargs):
            if name == "cli" and args[-1:] == (1,):  # `from .cli import main`
                raise error
            return real_import(name, *args, **kwargs)

        return fake

    def wrapped() -> RuntimeError:
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt as ctrl_c:
            error = RuntimeError("Error calling __set_name__ on 'cached_property' instance")
            error.__cause__ = ctrl_c
            return error

    monkeypatch.setattr(builtins, "__import__", interrupted(wrapped()))
    with pytest.raises(SystemExit) as stopped:
        entry.main()
    assert stopped.value.code == 130
    monkeypatch.setattr(builtins, "__import__", interrupted(RuntimeError("a real bug")))
    with pytest.raises(RuntimeError, match="a real bug"):
        entry.main()
