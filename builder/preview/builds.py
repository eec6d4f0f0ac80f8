"""Each preview's latest build, per paper size, and the browsers waiting for the next one.

Builds go through the public pipeline (`builder.output.pipeline.build`) into a private folder
per paper size, one at a time in one worker thread, so WeasyPrint stays warm and the
build cache skips what did not change. A preview is built when a page asks for it and
rebuilt at once after a save only while a browser has it open; the others wait until
they are asked for again. A failed build keeps the pages of the last good one and
carries the problems instead, so the teacher sees both.
"""

from __future__ import annotations

import asyncio
import logging
from collections import defaultdict
from collections.abc import Iterable
from concurrent.futures import BrokenExecutor, Executor
from dataclasses import dataclass
from pathlib import Path

from .catalog import Catalog, scan
from .pages import PageImages, PagesAhead
from .snapshots import Snapshot, build_snapshot, early_pages
from .worker import Worker

log = logging.getLogger(__name__)

RENDER_WORKERS = 2  # the student sheet and the key at once
INDEX = "index"  # the channel of the lesson list


@dataclass
class _Entry:
    snapshot: Snapshot | None = None
    stale: bool = True
    building: bool = False
    workers: PagesAhead | None = None  # the build under way's, to stop it


class Previews:
    """The server's state. Runs on the event loop; blocking work goes to the worker."""

    def __init__(self, paths: Iterable[Path], workdir: Path):
        self.paths = [Path(p) for p in paths]
        self.workdir = workdir.resolve()
        self.catalog = Catalog()
        self.images = PageImages()
        self._worker = Worker("lessonpack-build")
        self._entries: dict[tuple[str, str], _Entry] = defaultdict(_Entry)
        self._listeners: dict[str, set[asyncio.Queue]] = defaultdict(set)
        self._lock = asyncio.Lock()
        self._tasks: set[asyncio.Task] = set()
        self._version = 0
        self._pool: Executor | None = None

    async def start(self) -> None:
        """Find the lessons, and start the render workers meanwhile so the first preview
        is quicker: a student sheet and its key render at the same time, each in a warm
        process of its own."""
        self._pool = _render_pool()
        self.catalog = await self._worker.run(scan, self.paths)

    def close(self) -> None:
        if self._pool is not None:
            from ..output.workers import stop_now

            stop_now(self._pool)

    # ---- builds ----

    def current(self, key: str, paper: str) -> Snapshot | None:
        return self._entries[(key, paper)].snapshot if (key, paper) in self._entries else None

    def building(self, key: str, paper: str) -> bool:
        entry = self._entries.get((key, paper))
        return bool(entry and (entry.building or entry.stale))

    async def snapshot(self, key: str, paper: str) -> Snapshot | None:
        """The preview, built first if anything it uses changed; None if there is no such
        lesson or bundle (any more)."""
        entry = self._entries[(key, paper)]
        while entry.stale or entry.snapshot is None:
            if key not in self.catalog.targets:
                return None
            await self._build(key, paper)
        return entry.snapshot

    async def _build(self, key: str, paper: str) -> None:
        async with self._lock:
            entry = self._entries[(key, paper)]
            target = self.catalog.targets.get(key)
            if target is None or not (entry.stale or entry.snapshot is None):
                return
            entry.stale, entry.building = False, True
            self._publish(_channel(key, paper), "building")
            loop = asyncio.get_running_loop()

            def rendered(identifier: str, digest: str, pages: int) -> None:  # any thread
                loop.call_soon_threadsafe(self._rendered, key, paper, identifier, digest, pages)

            previous = entry.snapshot
            entry.workers = PagesAhead(self._pool, self.images, rendered, lambda: entry.stale)
            try:
                snapshot = await self._worker.run(
                    build_snapshot,
                    target,
                    paper,
                    self.workdir / paper,
                    self.images,
                    previous,
                    entry.workers,
                )
            except BrokenExecutor:  # a render worker died (killed, out of memory): restart
                log.warning("restarting the render workers")
                self._pool = _render_pool()
                entry.stale = True
                return
            except asyncio.CancelledError:  # the browser that asked went away
                entry.stale = True  # build again when asked (from the cache by then)
                raise
            finally:
                entry.building, entry.workers = False, None
            if snapshot is None:  # a newer save stopped it: build again
                entry.stale = True
                return
            if snapshot.same_as(entry.snapshot):
                snapshot = _replace_version(snapshot, entry.snapshot.version)
            else:
                self._version += 1
                snapshot = _replace_version(snapshot, self._version)
            entry.snapshot = snapshot
            self._publish(_channel(key, paper), "state")

    def _rendered(self, key: str, paper: str, identifier: str, digest: str, pages: int) -> None:
        """One document of a build under way is rendered (the student sheet, say, while
        the key still renders): show its new pages now, the rest when the build is done."""
        entry = self._entries.get((key, paper))
        if entry is None or not entry.building or entry.snapshot is None:
            return
        changed = early_pages(entry.snapshot, identifier, digest, pages)
        if changed is not None:
            self._version += 1
            entry.snapshot = _replace_version(changed, self._version)
            self._publish(_channel(key, paper), "building")

    # ---- changes ----

    async def files_changed(self, changed: set[Path]) -> None:
        """Files were saved, added or deleted: re-read the list, mark the previews the
        change touched as stale and rebuild those a browser is showing."""
        changed = {path for path in changed if not path.is_relative_to(self.workdir)}
        if not changed:
            return  # the previews' own builds
        self._stop_builds(_affected(self.catalog, changed))  # now: re-reading waits for them
        before = _listing(self.catalog)
        self.catalog = await self._worker.run(_rescan, self.paths, self.catalog, changed)
        affected = _affected(self.catalog, changed)
        for (key, paper), entry in list(self._entries.items()):
            gone = key not in self.catalog.targets
            if key in affected or gone:
                entry.stale = True
                if gone:
                    self._publish(_channel(key, paper), "gone")
                elif self._listeners.get(_channel(key, paper)):
                    self.refresh_soon(key, paper)
        if _listing(self.catalog) != before:
            self._publish(INDEX, "catalog")

    def _stop_builds(self, keys: set[str]) -> None:
        """Builds under way of previews a save changed are stale: they submit nothing
        more and lose what no worker has started, so the newer build starts sooner."""
        for (key, _), entry in self._entries.items():
            if key in keys and entry.workers is not None:
                entry.stale = True
                entry.workers.cancel()

    def refresh_soon(self, key: str, paper: str) -> None:
        """Rebuild in the background if stale (the open page hears when it is done)."""
        task = asyncio.get_running_loop().create_task(self._refresh(key, paper))
        self._tasks.add(task)  # keep a reference until it is done
        task.add_done_callback(self._tasks.discard)

    async def _refresh(self, key: str, paper: str) -> None:
        try:
            await self.snapshot(key, paper)
        except Exception:  # never let one preview's failure stop the server
            log.exception("preview of %s could not be rebuilt", key)

    # ---- browsers listening for changes ----

    def subscribe(self, key: str, paper: str | None = None) -> asyncio.Queue:
        listener: asyncio.Queue = asyncio.Queue()
        self._listeners[_channel(key, paper)].add(listener)
        return listener

    def unsubscribe(self, listener: asyncio.Queue, key: str, paper: str | None = None) -> None:
        self._listeners[_channel(key, paper)].discard(listener)

    def _publish(self, channel: str, event: str) -> None:
        for listener in self._listeners.get(channel, ()):
            listener.put_nowait(event)


def _channel(key: str, paper: str | None) -> str:
    return key if paper is None else f"{key}|{paper}"


def _affected(catalog: Catalog, changed: set[Path]) -> set[str]:
    """The previews a change touches: each target that uses a changed file, and every
    target of a project whose templates, styles or shared files changed."""
    return {
        key
        for key, target in catalog.targets.items()
        if any(target.touched_by(p) or _project_wide(target.root, p) for p in changed)
    }


def _listing(catalog: Catalog) -> list[tuple]:
    return [(t.key, t.title, t.summary, len(t.problems)) for t in catalog.targets.values()]


def _project_wide(root: Path, path: Path) -> bool:
    """A change in the project outside lessons/ (templates, styles, a shared image) may
    change every lesson of that project."""
    return path.is_relative_to(root) and not path.is_relative_to(root / "lessons")


def _rescan(paths: list[Path], previous: Catalog, changed: set[Path]) -> Catalog:
    from ..render.theme import forget_environments

    theme = [root / folder for root in previous.roots for folder in ("templates", "styles")]
    if any(path.is_relative_to(folder) for path in changed for folder in theme):
        forget_environments()  # an override added while serving must win from now on
    return scan(paths, previous, changed)


def _render_pool() -> Executor:
    from ..output.workers import process_pool, warm_up

    pool = process_pool(RENDER_WORKERS)
    for _ in range(RENDER_WORKERS):
        pool.submit(warm_up)
    return pool


def _replace_version(snapshot: Snapshot, version: int) -> Snapshot:
    from dataclasses import replace

    return replace(snapshot, version=version)
