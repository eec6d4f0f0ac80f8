"""Read one scanned page: find its QR code and corners, rebuild the sheet's layout from
the code's fields, measure every bubble, straighten the page for the review (SPEC §7).

`read_page` is the unit of work a grading executor runs (a process pool here, a Dask
cluster for a district): plain data in, plain data out. Each worker loads the project
once and keeps each version's layout.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .layout import SheetPage
from .plan import Code, SheetSet, bundle_set, lesson_set, parse_code
from .scans import ScanPage

REVIEW_DPI = 100
BLANK_INK = 0.004  # a page with less dark ink than this, and no code, is an empty back


@dataclass(frozen=True)
class PageRead:
    page: ScanPage
    code: Code | None = None
    fills: tuple[float, ...] = ()
    review: bytes = b""  # the page straightened, as PNG
    problem: str = ""  # why it could not be read or identified
    blank: bool = False  # nothing printed or written on it: a duplex back
    changed: bool = False  # the fingerprint differs: the files changed since printing


def read_page(page: ScanPage, root: Path) -> PageRead:
    """Everything grading needs from one page; never raises for a bad scan."""
    from . import read
    from .scans import ScanError, load_image

    try:
        image = load_image(page)
    except ScanError as exc:
        return PageRead(page, problem=str(exc).removeprefix(f"{page.given}, page {page.number}: "))
    found = read.find_code(image)
    if found is None:
        if _ink(image) < BLANK_INK:
            return PageRead(page, blank=True)
        return PageRead(page, problem="no answer-sheet code found (is the QR code covered?)")
    text, corners = found
    code = parse_code(text)
    if code is None:
        return PageRead(page, problem="the QR code is not a lessonpack answer sheet's")
    try:
        sheet_set, layout = sheet_layout(root, code)
    except LookupError as exc:
        return PageRead(page, code, problem=str(exc))
    try:
        to_pixels = read.locate(image, layout, corners)
    except read.NotFound as exc:
        return PageRead(page, code, problem=f"the sheet could not be lined up: {exc}")
    fills = tuple(read.fills(image, layout, to_pixels))
    straight = read.straighten(image, layout, to_pixels, REVIEW_DPI)
    buffer = io.BytesIO()
    straight.save(buffer, format="PNG", compress_level=1)  # lossless: rings are drawn on it
    changed = sheet_set.fingerprint(code.version) != code.fingerprint
    return PageRead(page, code, fills, buffer.getvalue(), changed=changed)


def _ink(image) -> float:
    import numpy

    pixels = numpy.asarray(image.reduce(4) if min(image.size) > 400 else image)
    return float((pixels < 128).mean())


def sheet_layout(root: Path, code: Code) -> tuple[SheetSet, SheetPage]:
    """The sheet set a code names and the layout of its page; LookupError (with what to
    do) when the project has no such lesson or bundle, or it changed shape."""
    sheet_set = sheet_set_for(
        root, code.name, code.version, code.seed, code.paper, code.large_print
    )
    pages = sheet_set.layout(sheet_set.built(code.version)).pages
    if len(pages) != code.pages:
        raise LookupError(
            f"'{code.name}' now makes answer sheets of {len(pages)} page(s), not {code.pages}: "
            "it changed since these were printed; print new sheets"
        )
    return sheet_set, pages[code.page - 1]


@cache
def sheet_set_for(
    root: Path, name: str, letter: str, seed: int, paper: str, large_print: bool
) -> SheetSet:
    """The lesson or bundle `name` of the project as its sheets printed. A lesson's
    version A is its one version (unshuffled) unless asked with `letter` B or later:
    the code cannot tell a lesson printed once from version A of several (run.py
    decides from the whole stack)."""
    from ..letters import letter_index, version_letters

    lessons, bundles = _project(root)
    index = letter_index(letter) or 0
    if name in bundles:
        bundle = bundles[name]
        if index >= len(bundle.versions) or (index and bundle.versions == [""]):
            raise LookupError(
                f"bundle '{name}' has no version {letter} now: it changed since printing"
            )
        return _bundle_set(root, name, seed, paper, large_print)
    if name in lessons:
        versions = tuple(version_letters(index + 1)) if letter != "A" else ("",)
        return lesson_set(lessons[name], versions, seed, paper, large_print, 30)
    if (root / "lessons" / name).is_dir():
        raise LookupError(f"lesson '{name}' has errors now: run 'lessonpack check' and fix them")
    raise LookupError(
        f"the sheet names '{name}', which is not a lesson or bundle of this project "
        "(run grade in the project folder, or give --project)"
    )


@cache
def _bundle_set(root: Path, name: str, seed: int, paper: str, large_print: bool) -> SheetSet:
    """One sheet set for all of a bundle's versions, so each version is laid out once."""
    bundle = _project(root)[1][name]
    return bundle_set(bundle, seed, paper, large_print, bundle.bundle.copies)


@cache
def _project(root: Path) -> tuple[dict, dict]:
    from ..project.discover import load_all

    loaded = load_all([root / "lessons"] if (root / "lessons").is_dir() else [root])
    return {s.slug: s for s in loaded.lessons}, {b.name: b for b in loaded.bundles}


def versioned_set(root: Path, code: Code, letters: int) -> SheetSet:
    """A lesson's sheet set printed in `letters` versions (A, B, ...)."""
    from ..letters import version_letters

    lessons, _ = _project(root)
    return lesson_set(
        lessons[code.name],
        tuple(version_letters(letters)),
        code.seed,
        code.paper,
        code.large_print,
        30,
    )
