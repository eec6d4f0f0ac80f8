"""One build of one lesson or bundle, as the preview shows it (runs in the build thread).

The build is the public pipeline's (`builder.output.pipeline.build`), into the preview's private
folder; its PDFs are read into memory (pages.py names them by digest) and its --html
files are listed by name, so the server looks files up instead of joining URL paths.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import BrokenExecutor, CancelledError, Executor
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..errors import LessonError, Problem, errors_in
from ..output.outputs import Sheet, Variant
from ..render.paper import paper_size
from .catalog import Target
from .pages import PageImages, Superseded

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class PreviewDocument:
    """One PDF of a build, e.g. the student sheet, shown as page images."""

    name: str  # "student", "key", "student-A", "keys", "roster", "student-large" ...
    label: str  # "Student sheet", "Answer key, version A" ...
    variant: str  # "student", "key" or "other"
    filename: str  # the PDF's name in a real build
    digest: str  # names the PDF bytes and its page images
    pages: int
    size: tuple[float, float]  # page width and height in points


@dataclass(frozen=True)
class Snapshot:
    """A preview as the browser shows it: the latest attempt's problems, and the pages of
    the latest build that succeeded."""

    version: int
    title: str
    documents: tuple[PreviewDocument, ...] = ()
    web: dict[str, Path] = field(default_factory=dict)  # --html page and assets by name
    problems: tuple[Problem, ...] = ()
    failed: bool = False
    seconds: float = 0.0

    def same_as(self, other: Snapshot | None) -> bool:
        return other is not None and (
            self.title,
            [d.digest for d in self.documents],
            self.problems,
            self.failed,
        ) == (other.title, [d.digest for d in other.documents], other.problems, other.failed)


def build_snapshot(
    target: Target,
    paper: str,
    out_dir: Path,
    images: PageImages,
    previous: Snapshot | None,
    executor: Executor | None = None,
) -> Snapshot | None:
    """Build one lesson or bundle with the public pipeline (runs in the worker thread),
    rendering on `executor` (default: in this thread); None if a newer save stopped it."""
    from ..output.pipeline import BuildOptions, build

    started = time.perf_counter()
    options = BuildOptions(out_dir=out_dir, paper=paper, jobs=1, html=target.kind == "lesson")
    try:
        result = build([target.path], options, executor)
    except BrokenExecutor:
        raise  # the caller restarts the workers
    except (Superseded, CancelledError):
        log.info("%s: stopped, a newer save came", target.name)
        return None
    except LessonError as exc:
        log.info("%s: %s (shown in the browser)", target.name, _count_errors(exc.problems))
        return _failed(target, previous, exc.problems, time.perf_counter() - started)
    except Exception as exc:  # a lessonpack bug: show it, keep serving
        log.exception("building %s failed", target.name)
        problem = Problem(target.path, f"lessonpack failed unexpectedly: {exc!r}; please report it")
        return _failed(target, previous, [problem], time.perf_counter() - started)
    seconds = time.perf_counter() - started
    log.info("built %s (%s) in %.1f s", target.name, paper, seconds)
    documents, web = _collect(result.outputs, target, out_dir, images)
    title = result.lessons[0].lesson.title if result.lessons else target.title
    if result.bundles:
        title = result.bundles[0].bundle.title or title
    return Snapshot(0, title, tuple(documents), web, tuple(result.problems), False, seconds)


def early_pages(snapshot: Snapshot, identifier: str, digest: str, pages: int) -> Snapshot | None:
    """`snapshot` with the new pages of the document a render job made (its identifier,
    `<folder>/<name>/<paper>`, names the file), or None if it shows no such document or
    already these pages."""
    name = identifier.rsplit("/", 2)[-2] + ".pdf"
    documents = tuple(
        replace(d, digest=digest, pages=pages) if d.filename == name else d
        for d in snapshot.documents
    )
    if [d.digest for d in documents] == [d.digest for d in snapshot.documents]:
        return None
    return replace(snapshot, documents=documents)


def _failed(
    target: Target, previous: Snapshot | None, problems: list[Problem], seconds: float
) -> Snapshot:
    kept = previous or Snapshot(0, target.title)
    return Snapshot(0, kept.title, kept.documents, kept.web, tuple(problems), True, seconds)


def _count_errors(problems: list[Problem]) -> str:
    count = len(errors_in(problems))
    return f"{count} error{'s' if count != 1 else ''}"


def _collect(outputs, target: Target, out_dir: Path, images: PageImages):
    """The build's own files for this target (not the single lessons of a bundle): PDFs
    read into memory, --html files by their name beside the page."""
    from ..sandbox import checked_path

    folder = out_dir / target.name
    documents, web = [], {}
    for output in outputs:
        if not output.path.is_relative_to(folder):
            continue
        if output.path.suffix != ".pdf":
            web[output.path.relative_to(folder).as_posix()] = output.path
            continue
        made = output.made
        if made is None or made.owner != target.name or made.lesson:
            continue  # a bundle's lessons/ folder
        data = checked_path(output.path, [out_dir]).read_bytes()
        size = paper_size(made.paper)
        documents.append(
            PreviewDocument(
                name=made.variant.stem,
                label=made.variant.label,
                variant=_variant(made.variant),
                filename=output.path.name,
                digest=images.add(data),
                pages=output.pages or 0,
                size=(size.width, size.height),
            )
        )
    order = {"student": 0, "key": 1, "other": 2}
    documents.sort(key=lambda d: (order[d.variant], d.name))
    return documents, web


def _variant(variant: Variant) -> str:
    """How the page groups a document: with the student sheets, the keys, or neither."""
    if variant.show_answers:
        return "key"
    return "student" if variant.sheet == Sheet.STUDENT else "other"
