"""Paper sizes, the one table: each paper's CSS page size and its size in points.

The paper *names* a lesson, a bundle or `--paper` may use are the list beside the
models (project/models.py, PAPERS); this table says how each one prints. Adding a
paper is a row here and a name there.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class PaperSize:
    css: str  # the CSS `size` keyword
    width: float  # points, as CSS sizes the page
    height: float

    @property
    def page_css(self) -> str:
        """The stylesheet that sets a document's page to this paper."""
        return f"@page {{ size: {self.css}; }}"


SIZES = {
    "letter": PaperSize("letter", 612.0, 792.0),  # 8.5 x 11 in
    "a4": PaperSize("A4", 595.2756, 841.8898),  # 210 x 297 mm
    "legal": PaperSize("legal", 612.0, 1008.0),  # 8.5 x 14 in
}


def paper_size(paper: str) -> PaperSize:
    try:
        return SIZES[paper]
    except KeyError:
        known = ", ".join(repr(name) for name in SIZES)
        raise ValueError(f"unknown paper {paper!r}; use one of {known}") from None
