"""`lessonpack grade`: a stack of scans in, per lesson or bundle a grade sheet, an item
analysis and a review PDF out (SPEC §7).

Pages are read in any order and orientation by an executor (`read_page` is the unit of
work), then put back together here: by the lesson or bundle their code names, by
sheet, by page. A page read twice counts once; a sheet's missing page is flagged; a
roster student whose sheet never came back still gets a row. What cannot be read is
named by file and page, and the rest is still written.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from concurrent.futures import Executor
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem
from ..output.write import Output, OutputFile, write_changed
from .pages import PageRead, read_page, versioned_set
from .plan import SheetSet
from .scans import ScanPage

POOL_MIN_PAGES = 6  # fewer pages read faster here than by starting workers


@dataclass(frozen=True)
class GradeOptions:
    out_dir: Path = Path("dist/grades")
    project: Path = Path(".")  # where the sheets were printed from (its lessons/)


@dataclass
class GradeResult:
    problems: list[Problem] = field(default_factory=list)  # unreadable pages are errors
    outputs: list[Output] = field(default_factory=list)
    pages: int = 0  # pages read
    blank: int = 0  # empty pages skipped (duplex backs)
    flagged: int = 0  # flags written into the grade sheets

    @property
    def unreadable(self) -> int:
        return sum(p.severity == "error" for p in self.problems)


def grade_scans(
    scans: Iterable[Path], options: GradeOptions, executor: Executor | None = None
) -> GradeResult:
    """Read every page of `scans` (paths as the teacher typed them: the grade sheet lists
    them so) and write what they grade to. `executor` reads the pages (default: worker
    processes when there are enough of them; any concurrent.futures.Executor, such as a
    Dask client's, will do)."""
    from .report import sheet_reports
    from .scans import scan_pages

    root = options.project.resolve()
    paths = list(scans)
    pages, refused = scan_pages(paths)
    result = GradeResult()
    for path, page, message in refused:
        result.problems.append(Problem(path, _on_page(page, message)))
    reads = _read_all(pages, root, executor)
    groups: dict[str, list[PageRead]] = {}
    for read in reads:
        if read.blank:
            result.blank += 1
        elif read.problem:
            where = _on_page(read.page.number, read.problem)
            result.problems.append(Problem(read.page.path, where))
        else:
            result.pages += 1
            groups.setdefault(read.code.name, []).append(read)
    files: dict[str, OutputFile] = {}
    for name, group in sorted(groups.items()):
        sets = _sheet_sets(root, group)
        report = sheet_reports(name, group, sets)
        result.flagged += report.flagged
        result.problems += report.problems
        files |= {
            f"{name}-{suffix}": OutputFile(data, pages, name)
            for suffix, data, pages in report.files
        }
    if files:
        result.outputs = write_changed(files, options.out_dir)
    return result


def _on_page(page: int | None, message: str) -> str:
    return f"page {page}: {message}" if page else message


def _read_all(pages: list[ScanPage], root: Path, executor: Executor | None) -> list[PageRead]:
    if executor is not None:
        return list(executor.map(read_page, pages, [root] * len(pages)))
    workers = min(os.cpu_count() or 1, len(pages))
    if workers <= 1 or len(pages) < POOL_MIN_PAGES:
        return [read_page(page, root) for page in pages]
    from ..output.workers import process_pool

    pool = process_pool(workers)
    try:
        chunk = max(1, len(pages) // (workers * 4))
        return list(pool.map(read_page, pages, [root] * len(pages), chunksize=chunk))
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    finally:
        pool.shutdown()


def _sheet_sets(root: Path, group: list[PageRead]) -> dict[str, SheetSet]:
    """Each version letter's sheet set. A lesson's code says A both when it was printed
    once and for version A of several; letters after A in the stack settle it."""
    from .pages import sheet_set_for

    sets: dict[str, SheetSet] = {}
    for read in group:
        code = read.code
        sets.setdefault(
            code.version,
            sheet_set_for(root, code.name, code.version, code.seed, code.paper, code.large_print),
        )
    lesson_versions = [s for s in sets.values() if s.bundle is None and s.versions != ("",)]
    if "A" in sets and lesson_versions:
        code = next(r.code for r in group if r.code.version == "A")
        sets["A"] = versioned_set(root, code, max(len(s.versions) for s in lesson_versions))
    return sets

