"""What one answers PDF prints, and how each of its versions lays out (SPEC §7).

A `SheetSet` is a lesson or a bundle as its answer sheets print it: the lessons in
order, the versions and seed, the paper, the roster or the number of copies. The
printer (sheets.py) and the grader (run.py) both ask it for a version's items and
pages, so a scan is read with exactly the layout that was printed; the grader rebuilds
it from the QR code's fields and the project's files, nothing else.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from ..render.paper import paper_size
from .items import Item, lesson_items
from .layout import INCH, Heading, Row, SheetPage, paginate

if TYPE_CHECKING:
    from ..project.bundle import BundleSource, Student
    from ..project.lesson import LessonSource

FORMAT = "LP1"


@dataclass(frozen=True)
class Sheet:
    """One student's (or one numbered copy's) answer sheet."""

    number: int  # the student's 1-based place in the roster, or the copy number
    version: str  # as built: "" for one version, else "A", "B", ...
    name: str = ""  # "" for a numbered copy
    section: str = ""


@dataclass(frozen=True)
class VersionLayout:
    items: tuple[Item, ...]  # every lesson's, in the order the sheet prints them
    pages: tuple[SheetPage, ...]


@dataclass(frozen=True, eq=False)
class SheetSet:
    name: str  # the lesson's slug or the bundle's name: the QR code's slug
    title: str
    language: str
    root: Path  # the project
    entries: tuple[LessonSource, ...]  # the lessons as printed
    versions: tuple[str, ...]  # ("",) for one version, else ("A", "B", ...)
    seed: int
    paper: str
    large_print: bool
    bundle: BundleSource | None = None
    duplex: bool = False
    copies: int = 30

    @property
    def students(self) -> list[Student]:
        return self.bundle.students if self.bundle else []

    def sheets(self) -> list[Sheet]:
        """A roster's students in order, each with their version; or `copies` numbered
        sheets per version, numbered on across versions (A 1-30, B 31-60)."""
        if self.bundle and self.students:
            return [
                Sheet(n, self.bundle.version_of(s), s.name, s.section)
                for n, s in enumerate(self.students, start=1)
            ]
        return [
            Sheet(i * self.copies + n, version)
            for i, version in enumerate(self.versions)
            for n in range(1, self.copies + 1)
        ]

    def sheet_of(self, number: int, version: str) -> Sheet:
        """The sheet a scanned code names: the roster's student, or a numbered copy."""
        if self.students and 1 <= number <= len(self.students):
            student = self.students[number - 1]
            return Sheet(number, version, student.name, student.section)
        return Sheet(number, version)

    @staticmethod
    def letter(version: str) -> str:
        """The version as the sheet and its QR code print it: A when there is one."""
        return version or "A"

    def built(self, letter: str) -> str:
        """The version as built for the letter a sheet prints (the inverse of `letter`)."""
        return "" if self.versions == ("",) else letter

    def layout(self, version: str) -> VersionLayout:
        """A version's items and pages, made the first time they are asked for: a grader
        reading version B's pages never lays out version A."""
        if version not in self._layouts:
            self._layouts[version] = self._layout(version)
        return self._layouts[version]

    @cached_property
    def _layouts(self) -> dict[str, VersionLayout]:
        return {}

    def _layout(self, version: str) -> VersionLayout:
        from ..compose.assemble import assemble

        lines: list[Row | Heading] = []
        items: list[Item] = []
        for source in self.entries:
            view = assemble(source, version, self.seed, large_print=self.large_print)
            base = view if not version else assemble(source, "", self.seed)
            prefix = f"{source.slug}/" if self.bundle else ""
            found = lesson_items(view, base, prefix)
            if self.bundle and found:
                lines.append(Heading(source.lesson.title))
            for item in found:
                lines.extend(item.rows)
            items.extend(found)
        size = paper_size(self.paper)
        pages = paginate(lines, size.width / INCH, size.height / INCH, self.large_print)
        return VersionLayout(tuple(items), tuple(pages))

    @cached_property
    def _files_digest(self):
        """SHA-256 over the files grading depends on, in order (the bundle, each lesson as
        printed, the roster), each after its project-relative path and a newline: read once,
        not once for every page a grader checks."""
        paths = [self.bundle.path] if self.bundle else []
        paths += [source.yaml_path for source in self.entries]
        if self.bundle and self.bundle.bundle.roster:
            paths.append(self.bundle.path.parent / self.bundle.bundle.roster)
        digest = hashlib.sha256()
        for path in paths:
            digest.update(_relative(path, self.root).encode() + b"\n")
            digest.update(path.read_bytes())
        return digest

    def fingerprint(self, version: str) -> str:
        """The first 8 hex digits of SHA-256 over the files grading depends on, then the
        version letter and the seed, each followed by a newline (SPEC §7)."""
        digest = self._files_digest.copy()
        digest.update(f"{self.letter(version)}\n{self.seed}\n".encode())
        return digest.hexdigest()[:8]

    def code(self, sheet: Sheet, page: int, pages: int, fingerprint: str) -> str:
        """The QR code's text (SPEC §7)."""
        fields = [
            FORMAT,
            self.name,
            self.letter(sheet.version),
            str(self.seed),
            str(sheet.number),
            str(page),
            str(pages),
            self.paper,
            "L" if self.large_print else "S",
            fingerprint,
        ]
        return ";".join(fields)


def _relative(path: Path, root: Path) -> str:
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return path.name


def lesson_set(
    source: LessonSource,
    versions: tuple[str, ...],
    seed: int,
    paper: str,
    large_print: bool,
    copies: int,
) -> SheetSet:
    return SheetSet(
        name=source.slug,
        title=source.lesson.title,
        language=source.lesson.language,
        root=source.root,
        entries=(source,),
        versions=versions,
        seed=seed,
        paper=paper,
        large_print=large_print,
        copies=copies,
    )


def bundle_set(
    bundle: BundleSource, seed: int, paper: str, large_print: bool, copies: int
) -> SheetSet:
    return SheetSet(
        name=bundle.name,
        title=bundle.bundle.title,
        language=bundle.entries[0].lesson.language if bundle.entries else "en",
        root=bundle.root,
        entries=tuple(bundle.entries),
        versions=tuple(bundle.versions),
        seed=seed,
        paper=paper,
        large_print=large_print,
        bundle=bundle,
        duplex=bundle.bundle.duplex,
        copies=copies,
    )


@dataclass(frozen=True)
class Code:
    """A QR code's fields, checked: a slug looked up in the project, never a path."""

    name: str
    version: str  # the letter printed: A, B, ...
    seed: int
    sheet: int
    page: int
    pages: int
    paper: str
    large_print: bool
    fingerprint: str


def parse_code(text: str) -> Code | None:
    """The fields of a sheet's QR code, or None when it is not one of ours."""
    from ..project.files import SLUG
    from ..render.paper import SIZES

    fields = text.strip().split(";")
    if len(fields) != 10 or fields[0] != FORMAT:
        return None
    _, name, version, seed, sheet, page, pages, paper, size, fingerprint = fields
    numbers = (seed, sheet, page, pages)
    if not (
        SLUG.match(name)
        and len(name) <= 100
        and len(version) == 1
        and "A" <= version <= "Z"
        and all(n.lstrip("-").isdigit() and len(n) < 10 for n in numbers)
        and paper in SIZES
        and size in ("L", "S")
        and len(fingerprint) == 8
        and all(c in "0123456789abcdef" for c in fingerprint)
    ):
        return None
    seed_n, sheet_n, page_n, pages_n = (int(n) for n in numbers)
    if not (1 <= page_n <= pages_n and sheet_n >= 1):
        return None
    return Code(name, version, seed_n, sheet_n, page_n, pages_n, paper, size == "L", fingerprint)
