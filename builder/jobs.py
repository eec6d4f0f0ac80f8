"""Plan the documents of a build: every lesson × layout × version × student/key.

A document is the unit of work (SPEC §3): HTML in, PDF bytes out, independent of
every other document. Lessons printed inside a bundle are documents too, with the
bundle's header on every page; packets.py combines them afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass

from .assemble import assemble, needs_measuring
from .bundles import BundleSource
from .load import LessonSource
from .render_html import render_html
from .theme import builtin_roots, stylesheet_paths
from .views import LessonView

VARIANTS = ("student", "key")


@dataclass(frozen=True)
class Layout:
    """What a rendering depends on besides the HTML: measured lines differ per layout."""

    paper: str = "letter"
    large_print: bool = False

    @property
    def suffix(self) -> str:
        return "-large" if self.large_print else ""


@dataclass(frozen=True)
class Document:
    source: LessonSource
    variant: str  # "student" or "key"
    html: str  # for the PDF
    page_html: str | None  # for --html: the same page, linking its stylesheets
    name: str  # output path without extension, relative to the output folder
    layout: Layout
    version: str = ""


def lesson_documents(
    source: LessonSource,
    layouts: list[Layout],
    versions: list[str],
    seed: int,
    key: bool,
    html: bool,
    folder: str | None = None,
    header: str = "",
) -> list[Document]:
    """The documents of one lesson: `folder` is where they go (default: its slug)."""
    documents = []
    folder = folder or source.slug
    for layout in layouts:
        lines = _measure(source, layout) if needs_measuring(source) else None
        for version in versions:
            view = assemble(
                source,
                version=version,
                seed=seed,
                lines=lines,
                header=header,
                large_print=layout.large_print,
            )
            for variant in VARIANTS if key else VARIANTS[:1]:
                name = (
                    f"{folder}/{source.slug}-{variant}{layout.suffix}"
                    f"{'-' + version if version else ''}"
                )
                documents.append(_document(source, view, variant, name, layout, html, version))
    return documents


def bundle_header(bundle: BundleSource) -> str:
    b = bundle.bundle
    return " · ".join(str(part) for part in (b.class_name, b.teacher, b.date) if part)


def lesson_view(source: LessonSource, layout: Layout, **kwargs) -> LessonView:
    """The render context of a lesson in this layout, line numbers measured if it has any."""
    lines = _measure(source, layout) if needs_measuring(source) else None
    return assemble(source, lines=lines, large_print=layout.large_print, **kwargs)


def _document(
    source: LessonSource,
    view: LessonView,
    variant: str,
    name: str,
    layout: Layout,
    html: bool,
    version: str,
) -> Document:
    show = variant == "key"
    hrefs = [path.name for path in stylesheet_paths(source.root, layout.large_print)]
    # The PDF gets parsed CSS directly; the HTML page links its copied stylesheets.
    pdf_html = render_html(view, source.root, show_answers=show, paper=layout.paper)
    page_html = (
        render_html(view, source.root, show_answers=show, paper=layout.paper, stylesheets=hrefs)
        if html
        else None
    )
    return Document(source, variant, pdf_html, page_html, name, layout, version)


def _measure(source: LessonSource, layout: Layout):
    """The line-measuring pass (line_numbers.py), once per lesson and layout."""
    from .render_pdf import measure_lines

    view = assemble(source, measuring=True, large_print=layout.large_print)
    html = render_html(view, source.root, show_answers=False, paper=layout.paper)
    return measure_lines(pdf_job(source, html, "measure", layout))


def render(document: Document):
    from .render_pdf import render_pdf  # WeasyPrint is imported only to render

    return render_pdf(pdf_job(document.source, document.html, document.name, document.layout))


def pdf_job(source: LessonSource, html: str, identifier: str, layout: Layout):
    from .render_pdf import PdfJob

    return PdfJob(
        html=html,
        base_dir=source.folder,
        stylesheets=tuple(stylesheet_paths(source.root, layout.large_print)),
        paper=layout.paper,
        allowed_roots=(source.root, *builtin_roots()),
        lesson_file=source.yaml_path,
        identifier=f"{identifier}/{layout.paper}",
    )
