"""Shared fixtures: copies of the sample lesson in a temporary project, a helper to write
small lessons, and one build of the sample (Letter and A4) reused by the PDF tests."""

from __future__ import annotations

import html
import os
import re
import shutil
import socket
import struct
import subprocess
import sys
import textwrap
import zlib
from pathlib import Path

import pytest
from typer.testing import CliRunner

from builder import BuildOptions, build

REPO = Path(__file__).resolve().parent.parent
SAMPLE = REPO / "lessons" / "cuban-missile-crisis"
SLUG = "cuban-missile-crisis"


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
    from builder.cli import app

    runner = CliRunner()

    def run(*args: str):
        return runner.invoke(app, list(args))

    return run


@pytest.fixture(scope="session")
def sample_build(tmp_path_factory) -> dict[str, Path]:
    """The sample lesson built once per paper size: {'letter': dir, 'a4': dir}."""
    root = tmp_path_factory.mktemp("sample")
    shutil.copytree(SAMPLE, root / "lessons" / SLUG)
    outputs = {}
    for paper in ("letter", "a4"):
        out = root / f"dist-{paper}"
        build([root / "lessons"], BuildOptions(out_dir=out, paper=paper))
        outputs[paper] = out / SLUG
    return outputs


def plain(markup: object) -> str:
    """Text of an HTML fragment as it appears on the page, whitespace collapsed."""
    return squash(html.unescape(re.sub(r"<[^>]+>", "", str(markup))))


def squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def pdf_text(path: Path) -> str:
    from pypdf import PdfReader

    text = squash(" ".join(page.extract_text() or "" for page in PdfReader(path).pages))
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
