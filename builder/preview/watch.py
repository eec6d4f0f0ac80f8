"""Watch the lesson projects and tell the previews what changed (watchfiles).

What is watched, with every subfolder: the folders named on the command line and each
project's own folders (lessons/, templates/, styles/, images/ ...). Never the project
folder as a whole: a teacher's project usually holds a virtual environment (.venv) and
output folders (dist/), thousands of folders nobody edits. The project folders are also
watched on their own, without subfolders, so a templates/ folder created while serving
is noticed and watched from then on.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
from pathlib import Path

from watchfiles import DefaultFilter, awatch

from ..project.files import project_of_folder
from .builds import Previews

log = logging.getLogger(__name__)

STEP_MS = 30  # how long the files must stay quiet before a change is reported
DEBOUNCE_MS = 500  # at most this long, even while files keep changing
SKIPPED = {"dist", "build", "node_modules", "__pycache__", "venv", "env", "site-packages"}


def plan(previews: Previews) -> tuple[list[Path], list[Path]]:
    """(folders to watch with their subfolders, project folders to watch on their own)"""
    roots = set(previews.catalog.roots)
    deep: set[Path] = set()
    for path in previews.paths:
        path = path.resolve()
        folder = path if path.is_dir() else path.parent
        project = project_of_folder(folder)
        if project is not None:
            roots.add(project)
        else:
            deep.add(folder)
    for root in roots:
        with contextlib.suppress(OSError):
            deep.update(child for child in root.iterdir() if _worth_watching(child))
    deep = {
        d
        for d in deep
        if d.is_dir()
        and not any(d.is_relative_to(o) for o in deep - {d})
        and not (previews.workdir.is_relative_to(d) or d.is_relative_to(previews.workdir))
    }
    return sorted(deep), sorted(r for r in roots if r.is_dir())


def _worth_watching(folder: Path) -> bool:
    name = folder.name
    return (
        folder.is_dir()
        and not name.startswith((".", "dist"))
        and name not in SKIPPED
        and not (folder / "pyvenv.cfg").exists()  # a virtual environment
        and not (folder / ".lessonpack-cache").exists()  # an output folder
    )


async def watch(previews: Previews, stop: asyncio.Event) -> None:
    """Report changes to `previews` until `stop` is set; re-plan when folders come and go."""
    while not stop.is_set():
        deep, shallow = plan(previews)
        log.debug("watching %s and, on their own, %s", deep, shallow)
        generation = asyncio.Event()
        relay = asyncio.create_task(_set_when(stop, generation))
        try:
            async with asyncio.TaskGroup() as group:
                if deep:
                    group.create_task(_follow(previews, deep, True, generation))
                if shallow:
                    group.create_task(_follow(previews, shallow, False, generation))
                if not deep and not shallow:
                    group.create_task(_pause(generation))
        except* Exception as errors:  # a folder vanished under the watcher: start again
            log.debug("watcher restarts after %r", errors.exceptions)
            await asyncio.sleep(0.2)
        finally:
            relay.cancel()


async def _follow(
    previews: Previews, paths: list[Path], recursive: bool, generation: asyncio.Event
) -> None:
    before = plan(previews)
    async for changes in awatch(
        *paths,
        watch_filter=DefaultFilter(),
        recursive=recursive,
        stop_event=generation,
        step=STEP_MS,
        debounce=DEBOUNCE_MS,
    ):
        changed = {Path(path) for _, path in changes}
        log.debug("changed: %s", changed)
        await previews.files_changed(changed)
        if plan(previews) != before:
            generation.set()  # new or removed folders: watch again with a new plan


async def _set_when(source: asyncio.Event, target: asyncio.Event) -> None:
    await source.wait()
    target.set()


async def _pause(generation: asyncio.Event) -> None:
    """Nothing to watch yet (no lessons folder): look again in a moment."""
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(generation.wait(), 2)
    generation.set()
