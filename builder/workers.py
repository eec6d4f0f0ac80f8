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
from collections.abc import Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from contextlib import contextmanager
from typing import TYPE_CHECKING

from .errors import LessonError, Problem

if TYPE_CHECKING:
    from .cache import Entry
    from .jobs import Group
    from .pipeline import Progress


class InlineExecutor(Executor):
    """Runs each task at once in this process: `--jobs 1`, and builds too small for a pool."""

    def submit(self, fn, /, *args, **kwargs):
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except Exception as exc:  # Ctrl-C (KeyboardInterrupt) is not caught: it stops the build
            future.set_exception(exc)
        return future


@contextmanager
def executor_for(jobs: int | None, tasks: int) -> Iterator[Executor]:
    """A process pool of `jobs` workers (default: one per core), or this process when
    one worker would do."""
    workers = min(jobs or os.cpu_count() or 1, tasks)
    if workers <= 1:
        yield InlineExecutor()
        return
    import multiprocessing

    pool = ProcessPoolExecutor(
        workers, mp_context=multiprocessing.get_context("spawn"), initializer=_worker_started
    )
    try:
        yield pool
    except BaseException:
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown()


def _worker_started() -> None:
    # Ctrl-C in the terminal reaches every process; only the main one reports it.
    signal.signal(signal.SIGINT, signal.SIG_IGN)


def measure_task(job):
    from .render_pdf import measure_lines  # WeasyPrint is imported only where it renders

    return measure_lines(job)


def render_task(job):
    from .render_pdf import render_pdf

    return render_pdf(job)


def render_groups(
    groups: list[Group], executor: Executor, progress: Progress | None = None
) -> tuple[dict[Group, Entry], list[Problem]]:
    """Render every document of every group; returns the entries of the groups that
    rendered and the problems of those that could not (all of them, not the first)."""
    from .cache import Entry

    entries: dict[Group, Entry] = {g: Entry() for g in groups}
    failed: dict[Group, list[Problem]] = {}
    pending: dict[Future, tuple[Group, str | None]] = {}

    def start(group: Group, lines=None, measured: bool = False) -> None:
        """Submit a group's measuring pass, or once measured, its documents."""
        from .jobs import pdf_job

        try:
            measure = None if measured else group.measure_job()
            if measure is not None:
                pending[executor.submit(measure_task, measure)] = (group, None)
                return
            for document in group.documents(lines):  # templates run here, in this process
                job = pdf_job(document.source, document.html, document.name, document.layout)
                pending[executor.submit(render_task, job)] = (group, document.name)
                if document.page_html is not None:
                    entries[group].files[f"{document.name}.html"] = document.page_html.encode()
        except LessonError as exc:
            failed.setdefault(group, []).extend(exc.problems)

    for group in groups:
        start(group)
    while pending:
        future = next(as_completed(list(pending)))
        group, name = pending.pop(future)
        if progress:
            progress.done(name or f"{group.folder}/{group.source.slug} (measuring)")
        try:
            outcome = future.result()
        except LessonError as exc:
            failed.setdefault(group, []).extend(exc.problems)
            continue
        if group in failed:
            continue
        if name is None:
            start(group, outcome, measured=True)
            continue
        entry = entries[group]
        entry.files[f"{name}.pdf"] = outcome.data
        entry.pages[f"{name}.pdf"] = outcome.pages
        entry.warnings += [w for w in outcome.layout_warnings if w not in entry.warnings]
    for entry in entries.values():  # the same order whichever worker finished first
        entry.warnings.sort(key=_problem_order)
    problems = [p for group_problems in failed.values() for p in group_problems]
    return {g: e for g, e in entries.items() if g not in failed}, problems


def _problem_order(problem: Problem) -> tuple:
    return (str(problem.path), problem.line or 0, problem.col or 0, problem.message)
