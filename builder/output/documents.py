"""A planned group (plan.py) as documents: the line-measuring pass and every document's
HTML, rendered through the templates in this process, then handed to the workers as
PDF jobs (plain data). A document is the unit of work (SPEC §3): HTML in, PDF bytes
out, independent of every other document.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..compose.assemble import assemble
from ..compose.views import LessonView
from ..project.files import builtin_roots
from ..project.lesson import LessonSource
from ..render.html import render_html
from ..render.theme import stylesheet_paths
from .outputs import Made
from .plan import Group, Layout


@dataclass(frozen=True)
class Document:
    source: LessonSource
    made: Made  # which file it is
    html: str  # for the PDF
    page_html: str | None  # for --html: the same page, linking its stylesheets
    layout: Layout

    @property
    def name(self) -> str:
        """Its output path without extension, relative to the output folder."""
        return self.made.name()


def measure_job(group: Group):
    """The line-measuring pass (line_numbers.py) as a PdfJob, or None if not needed."""
    if not group.needs_measuring:
        return None
    view = assemble(group.source, measuring=True, large_print=group.layout.large_print)
    html = render_html(view, group.source.root, show_answers=False, paper=group.layout.paper)
    return pdf_job(group.source, html, "measure", group.layout)


def documents(group: Group, lines) -> list[Document]:
    """Every document of the group as HTML, given the measured lines (or None)."""
    views = {
        version: assemble(
            group.source,
            version=version,
            seed=group.seed,
            lines=lines,
            header=group.header,
            large_print=group.layout.large_print,
        )
        for version in group.versions
    }
    return [
        _document(group.source, views[made.variant.version], made, group.layout, group.html)
        for made in group.outputs()
    ]


def _document(
    source: LessonSource, view: LessonView, made: Made, layout: Layout, html: bool
) -> Document:
    show = made.variant.show_answers
    hrefs = [path.name for path in stylesheet_paths(source.root, layout.large_print)]
    # The PDF gets parsed CSS directly; the HTML page links its copied stylesheets.
    pdf_html = render_html(view, source.root, show_answers=show, paper=layout.paper)
    page_html = (
        render_html(view, source.root, show_answers=show, paper=layout.paper, stylesheets=hrefs)
        if html
        else None
    )
    return Document(source, made, pdf_html, page_html, layout)


def pdf_job(source: LessonSource, html: str, identifier: str, layout: Layout):
    from ..render.pdf import PdfJob

    return PdfJob(
        html=html,
        base_dir=source.folder,
        stylesheets=tuple(stylesheet_paths(source.root, layout.large_print)),
        paper=layout.paper,
        allowed_roots=(source.root, *builtin_roots()),
        lesson_file=source.yaml_path,
        identifier=f"{identifier}/{layout.paper}",
    )
