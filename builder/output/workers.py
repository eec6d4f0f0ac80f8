"""Render many documents at once: in this process, or in worker processes.

WeasyPrint lays out one document on one core, so a build uses every core by
rendering independent documents at the same time. The work crosses to a worker as a
PdfJob (plain data: HTML, paths, paper) and comes back as bytes, so any
`concurrent.futures.Executor` will do: the process pool made here (spawned workers,
each importing WeasyPrint once and reusing its fonts and parsed CSS), this process
(`--jobs 1`), or a Dask client's executor spreading a district's roster packets
over a cluster.
"""

from __future__ import annotations

import os
import signal
import threading
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import TYPE_CHECKING, Protocol

from ..errors import LessonError, Problem

# Starting worker processes costs about 1.5 s each (Python, then WeasyPrint), so a
# rebuild of a few documents renders in this process instead: measured on the 10-lesson
# benchmark, one edited lesson (3 steps) rebuilt in 2.7 s here and 4.8 s with 2 workers.
# Long readings (a 100-page lesson renders for seconds) are worth workers even so.
POOL_MIN_STEPS = 8
LONG_TEXT = 100_000  # characters of reading text

# Line measurements by what they depend on: a lesson measured once is not measured again
# in this process (the preview server; a lesson printed alone and inside a bundle).
_MEASURED: dict[str, dict] = {}
MEASURED_KEPT = 256

if TYPE_CHECKING:
    from .cache import Entry
    from .fingerprints import Themes
    from .outputs import Made
    from .plan import Group


class Progress(Protocol):
    """How a long build tells its caller what it is doing (the CLI draws a bar)."""

    def planned(self, steps: int) -> None:
        """How many documents must be rendered (and bundles combined)."""

    def done(self, what: str) -> None:
        """One step finished; `what` names the document."""


class InlineExecutor(Executor):
    """Runs each task at once in this process: `--jobs 1`, and builds too small for a pool."""

    def submit(self, fn, /, *args, **kwargs):
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # Ctrl-C (KeyboardInterrupt) is not caught: it stops the build
            future.set_exception(exc)
        return future


def render_steps(groups: list[Group]) -> int:
    """Documents to render plus measuring passes: what the progress bar counts."""
    return sum(len(g.outputs()) + g.needs_measuring for g in groups)


@contextmanager
def executor_for(jobs: int | None, groups: list[Group]) -> Iterator[Executor]:
    """A process pool of `jobs` workers (default: one per core) for `groups`, or this
    process when one worker would do or starting workers would cost more than it saves."""
    steps = render_steps(groups)
    long = sum(len(t) for g in groups for t in g.source.reading_texts.values()) > LONG_TEXT
    workers = min(jobs or os.cpu_count() or 1, steps) if steps >= POOL_MIN_STEPS or long else 1
    if workers <= 1:
        yield InlineExecutor()
        return
    pool = process_pool(workers)
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def process_pool(workers: int) -> ProcessPoolExecutor:
    """Worker processes started fresh (spawn: WeasyPrint's C libraries are not safe to
    fork), each importing WeasyPrint on its first document and keeping it warm."""
    import multiprocessing

    return ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_started
    )


def stop_now(pool: ProcessPoolExecutor) -> None:
    """Stop `pool` without waiting for the documents it is rendering (a preview's pages
    are thrown away): its workers ignore Ctrl-C, and a worker still importing WeasyPrint
    or laying out a long key would otherwise hold up the exit by seconds."""
    pool.shutdown(wait=False, cancel_futures=True)
    if hasattr(pool, "terminate_workers"):  # Python 3.14
        pool.terminate_workers()
        return
    for process in list((getattr(pool, "_processes", None) or {}).values()):
        process.terminate()


def warm_up() -> None:
    """Import WeasyPrint now (about 1 s), before the first document needs it."""
    from ..render import pdf  # noqa: F401


def _worker_started() -> None:
    # Ctrl-C in the terminal reaches every process; only the main one reports it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def measure_task(job):
    from ..render.pdf import measure_lines  # WeasyPrint is imported only where it renders

    return measure_lines(job)


def render_task(job):
    from ..render.pdf import render_pdf

    return render_pdf(job)


def render_groups(
    groups: list[Group], executor: Executor, progress: Progress | None = None
) -> tuple[dict[Group, Entry], list[Problem]]:
    """Render every document of every group; returns the entries of the groups that
    rendered and the problems of those that could not (all of them, not the first)."""
    run = _Run(executor, progress)
    with _ctrl_c_between_documents() as run.stop_if_interrupted:
        for group in groups:
            run.start(group)
        run.finish()
    for entry in run.entries.values():  # the same order whichever worker finished first
        entry.warnings.sort(key=_problem_order)
    problems = [p for group_problems in run.failed.values() for p in group_problems]
    return {g: e for g, e in run.entries.items() if g not in run.failed}, problems


class _Run:
    """The state of one render_groups call: what is submitted, made and failed."""

    def __init__(self, executor: Executor, progress: Progress | None):
        from .fingerprints import Themes

        self.executor = executor
        self.progress = progress
        self.entries: dict[Group, Entry] = {}
        self.failed: dict[Group, list[Problem]] = {}
        self.pending: dict[Future, tuple[Group, str | None]] = {}
        self.measuring: dict[Group, str] = {}  # the measuring key of each pass under way
        self.waiting: dict[str, list[Group]] = {}  # groups waiting for each pass under way
        self.themes = Themes()
        self.stop_if_interrupted: Callable[[], None] = lambda: None

    def start(self, group: Group, lines=None, measured: bool = False) -> None:
        """Submit a group's measuring pass, or once measured, its documents. Groups whose
        readings measure alike (a lesson alone and in a bundle; a title edit) share one
        pass: measured before in this process, or under way in this run."""
        from .cache import Entry
        from .documents import documents, measure_job, pdf_job

        entry = self.entries.setdefault(group, Entry())
        try:
            key = None if measured else _measuring_key(group, self.themes)
            if key is not None:
                if key in self.waiting:  # another group's pass measures the same
                    self.waiting[key].append(group)
                    return
                if key not in _MEASURED:
                    self.waiting[key] = [group]
                    self.measuring[group] = key
                    self._submit(measure_task, measure_job(group), group, None)
                    return
                lines = _MEASURED[key]  # the same readings, measured before in this process
                if self.progress:
                    self.progress.done(f"{group.folder}/{group.source.slug} (measured)")
            for document in documents(group, lines):  # templates run here, in this process
                job = pdf_job(document.source, document.html, document.name, document.layout)
                self._submit(render_task, job, group, document.made)
                if document.page_html is not None:
                    entry.add(document.made, "html", document.page_html.encode())
        except LessonError as exc:
            self.failed.setdefault(group, []).extend(exc.problems)

    def finish(self) -> None:
        while self.pending:
            finished, _ = wait(list(self.pending), timeout=0.2, return_when=FIRST_COMPLETED)
            self.stop_if_interrupted()
            for future in finished:
                self._collect(future, *self.pending.pop(future))

    def _submit(self, task, job, group: Group, made: Made | None) -> None:
        self.pending[self.executor.submit(task, job)] = (group, made)
        self.stop_if_interrupted()  # an InlineExecutor has just rendered the document

    def _collect(self, future: Future, group: Group, made: Made | None) -> None:
        """Take one finished task; a finished measuring pass starts its groups' documents."""
        if self.progress:
            what = made.name() if made else f"{group.folder}/{group.source.slug} (measuring)"
            self.progress.done(what)
        key = self.measuring.pop(group) if made is None else ""
        waiting = self.waiting.pop(key, []) if made is None else [group]
        for other in waiting if self.progress else ():
            if other is not group:  # its own step: measured along with `group`
                self.progress.done(f"{other.folder}/{other.source.slug} (measured)")
        try:
            outcome = future.result()
        except LessonError as exc:
            for failed in waiting:
                self.failed.setdefault(failed, []).extend(exc.problems)
            return
        if made is None:
            _remember(key, outcome)
            for measured in waiting:
                self.start(measured, outcome, measured=True)
            return
        if group in self.failed:
            return
        entry = self.entries[group]
        entry.add(made, "pdf", outcome.data, outcome.pages)
        entry.warnings += [w for w in outcome.layout_warnings if w not in entry.warnings]


@contextmanager
def _ctrl_c_between_documents() -> Iterator[Callable[[], None]]:
    """Note Ctrl-C and stop at the next document boundary. Raised at once, it could land
    in one of WeasyPrint's C callbacks, where Python prints it and carries on."""
    caught: list[int] = []

    def stop_if_interrupted() -> None:
        if caught:
            raise KeyboardInterrupt

    if threading.current_thread() is not threading.main_thread():
        yield stop_if_interrupted  # signals only reach the main thread
        return
    previous = signal.signal(signal.SIGINT, lambda signum, frame: caught.append(signum))
    try:
        yield stop_if_interrupted
    finally:
        signal.signal(signal.SIGINT, previous)


def _remember(key: str, lines: dict) -> None:
    """Keep a measuring pass's line maps for the groups after it in this process."""
    _MEASURED[key] = lines
    while len(_MEASURED) > MEASURED_KEPT:
        del _MEASURED[next(iter(_MEASURED))]  # the oldest first


def measured_lines(group: Group, themes: Themes) -> dict | None:
    """The group's line maps, measured here (in this process) unless the same readings
    in the same layout were measured before, by a build or an export; None when no
    reading is numbered. For callers that need them at once, such as `export`."""
    from .documents import measure_job

    key = _measuring_key(group, themes)
    if key is None:
        return None
    if key not in _MEASURED:
        _remember(key, measure_task(measure_job(group)))
    return _MEASURED[key]


def _measuring_key(group: Group, themes: Themes) -> str | None:
    """What a group's measuring pass depends on, or None if it has no numbered reading:
    the readings (their fields and texts), the lesson's slug and language (hyphenation),
    the layout, the project's and the built-in theme's templates and stylesheets, and the
    readings' images. Not the title, questions, timeline or a bundle's header: the
    measuring pass hides them (line_numbers.MEASURE_CSS), so editing one measures nothing
    again."""
    if not group.needs_measuring:
        return None
    from ..project.files import builtin_theme_root
    from .fingerprints import digest, files_digest

    source, layout = group.source, group.layout
    lesson = source.lesson
    images = [source.folder / i.file for r in lesson.readings for i in r.images]
    return digest(
        [reading.model_dump(mode="json") for reading in lesson.readings],
        source.reading_texts,
        source.original_texts,
        source.slug,
        lesson.language,
        layout.paper,
        layout.large_print,
        files_digest(images, source.folder),
        themes(source.root),
        themes(builtin_theme_root()),
    )


def _problem_order(problem: Problem) -> tuple:
    return (str(problem.path), problem.line or 0, problem.col or 0, problem.message)
