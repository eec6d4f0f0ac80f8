"""PDF pages -> PNG images, so the preview shows each page exactly as the PDF prints it.

The PDFs of recent builds are kept in memory by the digest of their bytes; a page
image is named by that digest and never changes, so the browser may cache it for good
and a rebuild that changed nothing costs no new images. A document the preview renders
has its pages made into images at once by the render workers (`PagesAhead`), a few
pages per task so both workers share a long key, while the build finishes; a browser
asking for a page meanwhile waits for that task. Others (a PDF from the build cache)
are made when asked, by pdfium in one thread of its own (it is not thread-safe),
apart from the builds.
"""

from __future__ import annotations

import asyncio
import contextlib
import hashlib
import io
import threading
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import Executor, Future

from .worker import Worker

# 108 dpi: a Letter page 918 px wide, more than a column of the preview shows on an
# ordinary screen (44-52rem); about 35 ms a page where 144 dpi took about 100 ms.
SCALE = 1.5
KEPT_PDFS = 32  # enough for both paper sizes of several open previews
KEPT_IMAGES = 160
SLICE = 2  # pages per image task: both workers share a document's pages


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:20]


class PageImages:
    def __init__(self) -> None:
        self._pdfs: OrderedDict[str, bytes] = OrderedDict()
        self._images: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._worker = Worker("lessonpack-pages")
        self._coming: dict[tuple[str, int], Future] = {}  # pages a render worker is making

    def add(self, data: bytes) -> str:
        """Keep a PDF (any thread); returns the digest that names it and its pages."""
        name = digest(data)
        with self._lock:
            self._pdfs[name] = data
            self._pdfs.move_to_end(name)
            while len(self._pdfs) > KEPT_PDFS:
                self._pdfs.popitem(last=False)
        return name

    def coming(self, name: str, first: int, task: Future) -> None:
        """`task` (a render worker's) makes the pages of `name` from `first` on: keep them
        when it is done, and let a browser asking meanwhile wait for it."""
        with self._lock:
            for number in range(first, first + SLICE):
                self._coming[(name, number)] = task

        def done(task: Future) -> None:
            pngs = [] if task.cancelled() or task.exception() else task.result()
            with self._lock:
                for number, png in enumerate(pngs, start=first):
                    self._images[(name, number)] = png
                for number in range(first, first + SLICE):
                    self._coming.pop((name, number), None)
                self._trim()

        task.add_done_callback(done)

    def pdf(self, name: str) -> bytes | None:
        with self._lock:
            return self._pdfs.get(name)

    async def png(self, name: str, number: int) -> bytes | None:
        """Page `number` (1-based) of the PDF `name` as PNG, or None if there is none."""
        with self._lock:
            cached = self._images.get((name, number))
            coming = self._coming.get((name, number))
        if cached is None and coming is not None:
            with contextlib.suppress(Exception):  # a failed task: make the page here
                await asyncio.wrap_future(coming)
            with self._lock:
                cached = self._images.get((name, number))
        if cached is not None:
            return cached
        return await self._worker.run(self._render, name, number)

    def _render(self, name: str, number: int) -> bytes | None:
        import pypdfium2

        with self._lock:
            cached = self._images.get((name, number))
            data = self._pdfs.get(name)
        if cached is not None or data is None:
            return cached  # rendered while this job waited, or an unknown PDF
        document = pypdfium2.PdfDocument(data)
        try:
            if not 1 <= number <= len(document):
                return None
            png = _png(document[number - 1])
        finally:
            document.close()
        with self._lock:
            self._images[(name, number)] = png
            self._trim()
        return png

    def _trim(self) -> None:
        while len(self._images) > KEPT_IMAGES:
            self._images.popitem(last=False)


def _png(page) -> bytes:
    buffer = io.BytesIO()
    page.render(scale=SCALE).to_pil().save(buffer, "PNG", compress_level=1)
    return buffer.getvalue()


def page_images(data: bytes, first: int = 1, count: int | None = None) -> list[bytes]:
    """Pages `first`, `first + 1` ... (`count` of them, default all) of a PDF as PNG."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        last = len(document) if count is None else min(len(document), first + count - 1)
        return [_png(document[number - 1]) for number in range(first, last + 1)]
    finally:
        document.close()


class Superseded(Exception):
    """A preview build stopped because a newer save made it stale."""


class PagesAhead(Executor):
    """The render workers for one preview build, also making the page images of each
    document the pipeline renders, `SLICE` pages per task, as soon as it is rendered;
    every task passes through unchanged. A build a newer save made stale submits
    nothing more and loses the tasks not yet started."""

    def __init__(
        self,
        pool: Executor,
        images: PageImages,
        rendered: Callable[[str, str, int], None] | None = None,
        stale: Callable[[], bool] = lambda: False,
    ):
        self.pool = pool
        self.images = images
        self.rendered = rendered  # (job identifier, digest, pages): one document is done
        self.stale = stale  # a newer save made this build's documents out of date
        self._tasks: list[Future] = []

    def cancel(self) -> None:
        """A newer save came: drop the tasks no worker has started (any thread); the
        build stops at its next step (`Superseded`)."""
        for task in list(self._tasks):
            task.cancel()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        from ..output.workers import render_task

        if self.stale():
            raise Superseded
        task = self.pool.submit(fn, *args, **kwargs)
        self._tasks.append(task)
        if fn is render_task:
            identifier = args[0].identifier
            task.add_done_callback(lambda task: self._make_pages(task, identifier))
        return task

    def _make_pages(self, task: Future, identifier: str) -> None:
        if task.cancelled() or task.exception() is not None:
            return  # the build reports it
        rendered = task.result()
        name = self.images.add(rendered.data)
        if self.rendered is not None:
            self.rendered(identifier, name, rendered.pages)
        for first in range(1, rendered.pages + 1, SLICE):
            try:
                pages = self.pool.submit(page_images, rendered.data, first, SLICE)
            except RuntimeError:  # the pool is shutting down: pages are made when asked
                return
            self.images.coming(name, first, pages)
