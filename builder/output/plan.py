"""Plan a build: which groups of documents to make — every lesson × layout, and every
lesson as printed in each bundle — and what each group's files are (outputs.py).

A group is the unit of planning and of the build cache; documents.py turns a group
into the HTML of its documents. Lessons printed inside a bundle are groups too, with
the bundle's header on every page; packets.py combines them afterwards.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..compose.assemble import needs_measuring
from ..project.bundle import BundleSource
from ..project.lesson import LessonSource
from ..project.paper_names import DEFAULT_PAPER
from .outputs import Made, Variant, sheets


@dataclass(frozen=True)
class Layout:
    """What a rendering depends on besides the HTML: measured lines differ per layout."""

    paper: str = DEFAULT_PAPER
    large_print: bool = False

    @property
    def suffix(self) -> str:
        return "-large" if self.large_print else ""


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
    bundle: str = ""  # the bundle that prints it (its name), or "" for the lesson alone
    header: str = ""  # a bundle's class line, printed on every page
    bundle_path: Path | None = None  # the bundle that prints it (its options select content)

    @property
    def folder(self) -> str:
        """Where its files go, relative to the output folder."""
        return f"{self.bundle}/lessons" if self.bundle else self.source.slug

    def outputs(self) -> list[Made]:
        """What each of its documents is, in order: per version, student sheet then key."""
        slug, layout = self.source.slug, self.layout
        return [
            Made(
                self.bundle or slug,
                Variant(sheet, version, layout.large_print),
                layout.paper,
                bundle=bool(self.bundle),
                lesson=slug if self.bundle else "",
            )
            for version in self.versions
            for sheet in sheets(self.key)
        ]

    @property
    def needs_measuring(self) -> bool:
        return needs_measuring(self.source)


def bundle_header(bundle: BundleSource) -> str:
    b = bundle.bundle
    return " · ".join(str(part) for part in (b.class_name, b.teacher, b.date) if part)
