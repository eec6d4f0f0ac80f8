"""Plan the documents of a build: every lesson × layout × version × student/key.

A document is the unit of work (SPEC §3): HTML in, PDF bytes out, independent of
every other document. Lessons printed inside a bundle are documents too, with the
bundle's header on every page; packets.py combines them afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

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


@dataclass(frozen=True, eq=False)  # compared by identity: each group is planned once
class Group:
    """One lesson printed in one layout by one build: every version, student sheet and key.

    The unit of planning and of the build cache: its documents share one measuring
    pass, and its cache key is known before anything is rendered.
    """

    source: LessonSource
    layout: Layout
    versions: tuple[str, ...]
    seed: int
    key: bool
    html: bool
    folder: str  # where its files go, relative to the output folder
    header: str = ""  # a bundle's class line, printed on every page
    bundle_path: Path | None = None  # the bundle that prints it (its options select content)

    def names(self) -> list[tuple[str, str, str]]:
        """(output name without extension, variant, version) of each document, in order."""
        variants = VARIANTS if self.key else VARIANTS[:1]
        return [
            (
                f"{self.folder}/{self.source.slug}-{variant}{self.layout.suffix}"
                f"{'-' + version if version else ''}",
                variant,
                version,
            )
            for version in self.versions
            for variant in variants
        ]

    @property
    def needs_measuring(self) -> bool:
        return needs_measuring(self.source)

    def measure_job(self):
        """The line-measuring pass (line_numbers.py) as a PdfJob, or None if not needed."""
        if not self.needs_measuring:
            return None
        view = assemble(self.source, measuring=True, large_print=self.layout.large_print)
        html = render_html(view, self.source.root, show_answers=False, paper=self.layout.paper)
        return pdf_job(self.source, html, "measure", self.layout)

    def documents(self, lines) -> list[Document]:
        """Every document of the group as HTML, given the measured lines (or None)."""
        views = {
            version: assemble(
                self.source,
                version=version,
                seed=self.seed,
                lines=lines,
                header=self.header,
                large_print=self.layout.large_print,
            )
            for version in self.versions
        }
        return [
            _document(self.source, views[version], variant, name, self.layout, self.html, version)
            for name, variant, version in self.names()
        ]


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
    """The line-measuring pass in this process (the preview and tests need a view)."""
    from .render_pdf import measure_lines

    group = Group(source, layout, ("",), 1, key=False, html=False, folder=source.slug)
    return measure_lines(group.measure_job())


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
