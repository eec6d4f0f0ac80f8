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

from .bundles import BundleSource
from .jobs import Layout, bundle_header
from .render_html import render_cover
from .views import CoverView


@dataclass(frozen=True)
class PacketFile:
    name: str  # relative to the output folder, with extension
    data: bytes
    pages: int
    key: bool = False  # an answer key: made only when the build makes keys


def lesson_name(bundle: BundleSource, slug: str, variant: str, layout: Layout, version: str) -> str:
    """Where a lesson printed in a bundle goes (without extension)."""
    return (
        f"{bundle.name}/lessons/{slug}-{variant}{layout.suffix}{'-' + version if version else ''}"
    )


def packet_files(
    bundle: BundleSource,
    pdfs: dict[str, bytes],
    layouts: list[Layout],
    key: bool,
    pages: dict[str, int] | None = None,
) -> list[PacketFile]:
    """The combined files of a bundle, from the rendered lesson PDFs by name (and their
    page counts by name, where known)."""
    from .merge import Part, combine, page_count

    files = []
    variants = ("student", "key") if key else ("student",)
    for layout in layouts:
        students: dict[str, bytes] = {}
        keys: list[Part] = []
        for version in bundle.versions:
            for variant in variants:
                names = [
                    lesson_name(bundle, entry.slug, variant, layout, version)
                    for entry in bundle.entries
                ]
                lessons = [pdfs[name] for name in names]
                counts = [(pages or {}).get(name) or page_count(pdfs[name]) for name in names]
                packet = _packet(bundle, lessons, counts, variant, version, layout)
                if variant == "key" and version:
                    keys.append(Part(packet, f"Version {version}"))
                    continue
                if variant == "student":
                    students[version] = packet
                name = (
                    f"{bundle.name}/{bundle.name}-{variant}{layout.suffix}"
                    f"{'-' + version if version else ''}.pdf"
                )
                files.append(PacketFile(name, packet, page_count(packet), variant == "key"))
        if keys:
            data = combine(
                keys,
                paper=layout.paper,
                title=f"{bundle.bundle.title} — keys",
                language=_language(bundle),
            )
            files.append(
                PacketFile(
                    f"{bundle.name}/{bundle.name}-keys{layout.suffix}.pdf",
                    data,
                    page_count(data),
                    key=True,
                )
            )
        if bundle.students and not layout.large_print:
            data = _roster(bundle, students, layout)
            files.append(
                PacketFile(f"{bundle.name}/{bundle.name}-roster.pdf", data, page_count(data))
            )
    return files


def _packet(
    bundle: BundleSource,
    lessons: list[bytes],
    counts: list[int],
    variant: str,
    version: str,
    layout: Layout,
) -> bytes:
    from .merge import Part, combine, padded_page_counts, page_count

    duplex = bundle.bundle.duplex
    titles = [entry.lesson.title for entry in bundle.entries]
    parts = [Part(pdf, title) for pdf, title in zip(lessons, titles, strict=True)]
    if bundle.cover:
        cover = _cover(bundle, titles, [0] * len(titles), variant, version, layout)
        while True:  # the cover's own length moves the lessons' start pages
            padded = padded_page_counts([page_count(cover), *counts], duplex)
            starts = [1 + sum(padded[: i + 1]) for i in range(len(lessons))]
            numbered = _cover(bundle, titles, starts, variant, version, layout)
            if page_count(numbered) == page_count(cover):
                break
            cover = numbered
        parts.insert(0, Part(numbered, "Cover", keep_outline=False))
    cover_pages = [page_count(numbered)] if bundle.cover else []
    total = sum(padded_page_counts([*cover_pages, *counts], duplex))
    title = bundle.bundle.title + (" — Answer key" if variant == "key" else "")
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
    variant: str,
    version: str,
    layout: Layout,
) -> bytes:
    from .jobs import pdf_job
    from .keys import files_digest
    from .merge import remembered
    from .render_pdf import render_pdf

    view = CoverView(
        bundle.bundle.title,
        bundle_header(bundle),
        version,
        _language(bundle),
        list(zip(titles, starts, strict=True)),
    )
    html = render_cover(view, bundle.root, show_answers=variant == "key")
    source = bundle.entries[0]
    job = pdf_job(source, html, f"{bundle.name}/cover-{variant}-{version}", layout)
    job = replace(job, lesson_file=bundle.path)
    return remembered(
        ("cover", job.html, job.identifier, job.paper, files_digest(job.stylesheets, Path("/"))),
        lambda: render_pdf(job).data,
    )


def _roster(bundle: BundleSource, packets: dict[str, bytes], layout: Layout) -> bytes:
    """One packet per student, in roster order, each stamped with the student's name."""
    from .merge import Part, combine, page_count, stamp

    parts = []
    for student in bundle.students:
        version = (
            student.version if len(bundle.versions) > 1 and student.version else bundle.versions[0]
        )
        packet = packets[version]
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
