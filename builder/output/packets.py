"""A bundle's combined files: cover + lessons as one print master, per version, with
bookmarks, packet page numbers and duplex padding; every version's key in one file;
and the roster, one personalised packet per student.

Each lesson was rendered on its own (so "Page X of Y" restarts per lesson, SPEC §4);
here the PDFs are only joined and stamped, never laid out again, so a 30-student
roster costs one render per version plus a stamp per page.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path

from ..compose.views import CoverView
from ..project.bundle import BundleSource
from ..render.html import render_cover
from .outputs import Made, Sheet, Variant, sheets
from .plan import Layout, bundle_header


@dataclass(frozen=True)
class PacketFile:
    made: Made  # what it is (its name: made.name("pdf"))
    data: bytes
    pages: int


def _made(bundle: BundleSource, layout: Layout, sheet: Sheet, version: str = "", lesson=""):
    variant = Variant(sheet, version, layout.large_print)
    return Made(bundle.name, variant, layout.paper, bundle=True, lesson=lesson)


def packet_files(
    bundle: BundleSource,
    pdfs: dict[str, bytes],
    layouts: list[Layout],
    key: bool,
    pages: dict[str, int] | None = None,
) -> list[PacketFile]:
    """The combined files of a bundle, from the rendered lesson PDFs by name (and their
    page counts by name, where known)."""
    from ..render.pdfjoin import Part, combine, page_count

    files = []
    for layout in layouts:
        students: dict[str, bytes] = {}
        keys: list[Part] = []
        for version in bundle.versions:
            for sheet in sheets(key):
                names = [
                    _made(bundle, layout, sheet, version, entry.slug).name()
                    for entry in bundle.entries
                ]
                lessons = [pdfs[name] for name in names]
                counts = [(pages or {}).get(name) or page_count(pdfs[name]) for name in names]
                packet = _packet(bundle, lessons, counts, sheet, version, layout)
                if sheet == Sheet.KEY and version:
                    keys.append(Part(packet, f"Version {version}"))
                    continue
                if sheet == Sheet.STUDENT:
                    students[version] = packet
                made = _made(bundle, layout, sheet, version)
                files.append(PacketFile(made, packet, page_count(packet)))
        if keys:
            data = combine(
                keys,
                paper=layout.paper,
                title=f"{bundle.bundle.title} — keys",
                language=_language(bundle),
            )
            files.append(PacketFile(_made(bundle, layout, Sheet.KEYS), data, page_count(data)))
        if bundle.students and not layout.large_print:
            data = _roster(bundle, students, layout)
            roster = _made(bundle, layout, Sheet.ROSTER)
            files.append(PacketFile(roster, data, page_count(data)))
    return files


def _packet(
    bundle: BundleSource,
    lessons: list[bytes],
    counts: list[int],
    sheet: Sheet,
    version: str,
    layout: Layout,
) -> bytes:
    from ..render.pdfjoin import Part, combine, padded_page_counts, page_count

    duplex = bundle.bundle.duplex
    titles = [entry.lesson.title for entry in bundle.entries]
    parts = [Part(pdf, title) for pdf, title in zip(lessons, titles, strict=True)]
    if bundle.cover:
        cover = _cover(bundle, titles, [0] * len(titles), sheet, version, layout)
        while True:  # the cover's own length moves the lessons' start pages
            padded = padded_page_counts([page_count(cover), *counts], duplex)
            starts = [1 + sum(padded[: i + 1]) for i in range(len(lessons))]
            numbered = _cover(bundle, titles, starts, sheet, version, layout)
            if page_count(numbered) == page_count(cover):
                break
            cover = numbered
        parts.insert(0, Part(numbered, "Cover", keep_outline=False))
    cover_pages = [page_count(numbered)] if bundle.cover else []
    total = sum(padded_page_counts([*cover_pages, *counts], duplex))
    title = bundle.bundle.title + (" — Answer key" if sheet == Sheet.KEY else "")
    return combine(
        parts,
        paper=layout.paper,
        duplex=duplex,
        title=title,
        language=_language(bundle),
        footer=[f"packet p. {n}" for n in range(1, total + 1)],
        large_print=layout.large_print,  # the stamp and blank pages in large type, placed to fit
    )


def _cover(
    bundle: BundleSource,
    titles: list[str],
    starts: list[int],
    sheet: Sheet,
    version: str,
    layout: Layout,
) -> bytes:
    from ..render.pdf import render_pdf
    from ..render.stamps import remembered
    from .documents import pdf_job
    from .fingerprints import files_digest

    view = CoverView(
        bundle.bundle.title,
        bundle_header(bundle),
        version,
        _language(bundle),
        list(zip(titles, starts, strict=True)),
    )
    html = render_cover(view, bundle.root, show_answers=sheet == Sheet.KEY)
    source = bundle.entries[0]
    job = pdf_job(source, html, f"{bundle.name}/cover-{sheet}-{version}", layout)
    job = replace(job, lesson_file=bundle.path)
    return remembered(
        ("cover", job.html, job.identifier, job.paper, files_digest(job.stylesheets, Path("/"))),
        lambda: render_pdf(job).data,
    )


def _roster(bundle: BundleSource, packets: dict[str, bytes], layout: Layout) -> bytes:
    """One packet per student, in roster order, each stamped with the student's name."""
    from ..render.pdfjoin import Part, combine, page_count
    from ..render.stamps import stamp

    parts = []
    for student in bundle.students:
        packet = packets[bundle.version_of(student)]
        label = " · ".join(p for p in (student.name, student.section) if p)
        parts.append(
            Part(
                stamp(packet, [label] * page_count(packet), paper=layout.paper, where="top-left"),
                student.name,
                keep_outline=False,
            )
        )
    return combine(
        parts,
        paper=layout.paper,
        duplex=bundle.bundle.duplex,
        title=f"{bundle.bundle.title} — roster",
        language=_language(bundle),
    )


def _language(bundle: BundleSource) -> str:
    return bundle.entries[0].lesson.language if bundle.entries else "en"
