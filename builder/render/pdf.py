"""HTML -> PDF bytes with WeasyPrint, inside the sandbox, reproducibly.

This is the only module that imports WeasyPrint (0.8 s), so `check`, `list`, `new`
and `--help` never pay for it. The URL fetcher serves only files inside the lesson's
project and the built-in theme, plus `data:` URLs; anything else stops the render
with a message naming the lesson file. Parsed CSS and the font configuration are
reused across documents in one process. PDFs are tagged (PDF/UA-1), carry title and
language, and are byte-identical from one build to the next.
"""

from __future__ import annotations

import hashlib
import mimetypes
import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urlsplit

from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher, URLFetcherResponse

from ..errors import LessonError, Problem
from ..sandbox import MAX_IMAGE_BYTES, Refused, checked_path
from .paper import paper_size

# fontTools stamps subset fonts with the current time unless this is set (SPEC §4).
os.environ.setdefault("SOURCE_DATE_EPOCH", "0")


class _RefusedURL(FatalURLFetchingError):
    """Stops the render: the lesson asked for something outside its sandbox."""


class ProjectURLFetcher(URLFetcher):
    """Serves `file:` URLs inside the allowed roots and `data:` URLs; refuses the rest."""

    def __init__(self, allowed_roots: tuple[Path, ...]):
        super().__init__(
            allowed_protocols={"file", "data"},
            allow_redirects=False,
            fail_on_errors=True,
            timeout=5,
        )
        self.allowed_roots = allowed_roots

    def fetch(self, url, headers=None):
        scheme = urlsplit(url).scheme.lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme != "file":
            raise _RefusedURL(
                f"refused to load '{url}': lessons may not use the network; "
                "put the file inside the lesson folder and use a relative path"
            )
        parts = urlsplit(url)
        if parts.netloc not in ("", "localhost"):
            raise _RefusedURL(f"refused to load '{url}': not a local file")
        try:
            path = checked_path(Path(unquote(parts.path)), self.allowed_roots)
        except Refused as exc:
            raise _RefusedURL(f"refused to load '{url}': {exc}") from None
        if path.stat().st_size > MAX_IMAGE_BYTES:
            raise _RefusedURL(f"refused to load '{url}': larger than 20 MB")
        content_type = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": content_type})


@dataclass(frozen=True)
class PdfJob:
    """Everything one PDF needs; plain data so it can cross to a worker process later."""

    html: str
    base_dir: Path  # relative URLs in the HTML resolve here (the lesson folder)
    stylesheets: tuple[Path, ...]
    paper: str
    allowed_roots: tuple[Path, ...]
    lesson_file: Path  # named in error messages
    identifier: str  # stable per document, for reproducible bytes


@dataclass(frozen=True)
class RenderedPdf:
    data: bytes
    pages: int
    layout_warnings: list[Problem]


@cache
def _font_config() -> FontConfiguration:
    return FontConfiguration()


def _stylesheets(paths: tuple[Path, ...], paper: str, allowed_roots: tuple[Path, ...]) -> list[CSS]:
    """Parsed stylesheets, reused while the files are unchanged (a long-lived process such
    as a preview server sees edits at once)."""
    stamps = tuple((path, *_stamp(path)) for path in paths)
    return _parsed_stylesheets(stamps, paper, allowed_roots)


def _stamp(path: Path) -> tuple[int, int]:
    try:
        stat = path.stat()
    except OSError:
        return (0, 0)  # the sandbox check below reports it
    return (stat.st_mtime_ns, stat.st_size)


@cache
def _parsed_stylesheets(stamps: tuple, paper: str, allowed_roots: tuple[Path, ...]) -> list[CSS]:
    paths = [stamp[0] for stamp in stamps]
    fetcher = ProjectURLFetcher(allowed_roots)
    sheets = []
    for path in paths:
        checked = checked_path(path, allowed_roots)
        sheets.append(
            CSS(
                string=checked.read_text(encoding="utf-8"),
                base_url=path.as_uri(),
                url_fetcher=fetcher,
                font_config=_font_config(),
            )
        )
    sheets.append(CSS(string=paper_size(paper).page_css, font_config=_font_config()))
    return sheets


def render_pdf(job: PdfJob) -> RenderedPdf:
    """Lay out and write one document; raises LessonError naming the lesson on refusal."""
    from .layout_checks import layout_warnings, missing_glyphs

    with _user_errors(job), missing_glyphs(job.lesson_file) as glyph_warnings:
        document = _layout(job)
        data = document.write_pdf(
            pdf_variant="pdf/ua-1",
            pdf_identifier=hashlib.sha256(job.identifier.encode()).hexdigest()[:32].encode(),
            uncompressed_pdf=False,
        )
    warnings = layout_warnings(document, job.lesson_file) + glyph_warnings
    return RenderedPdf(data, len(document.pages), warnings)


def measure_lines(job: PdfJob) -> dict:
    """The measuring pass of line_numbers.py: lay out, read the line boxes, write nothing."""
    from ..compose.line_numbers import MEASURE_CSS, line_maps

    with _user_errors(job):
        return line_maps(_layout(job, extra_css=MEASURE_CSS))


def _layout(job: PdfJob, extra_css: str | None = None):
    stylesheets = _stylesheets(job.stylesheets, job.paper, job.allowed_roots)
    if extra_css:
        stylesheets = [*stylesheets, CSS(string=extra_css, font_config=_font_config())]
    html = HTML(
        string=job.html,
        base_url=job.base_dir.as_uri() + "/",
        url_fetcher=ProjectURLFetcher(job.allowed_roots),
    )
    return html.render(
        stylesheets=stylesheets, font_config=_font_config(), presentational_hints=False
    )


@contextmanager
def _user_errors(job: PdfJob) -> Iterator[None]:
    """Refused resources become problems naming the lesson file."""
    try:
        yield
    except _RefusedURL as exc:
        raise LessonError([Problem(job.lesson_file, str(exc))]) from None
    except Refused as exc:
        raise LessonError([Problem(job.lesson_file, f"stylesheet {exc}")]) from None
    except FatalURLFetchingError as exc:
        raise LessonError(
            [Problem(job.lesson_file, f"a resource could not be loaded: {exc}")]
        ) from None
