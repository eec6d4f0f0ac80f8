"""PDF pages -> PNG images, so the preview shows each page exactly as the PDF prints it.

The PDFs of recent builds are kept in memory by the digest of their bytes; a page
image is named by that digest and never changes, so the browser may cache it for good
and a rebuild that changed nothing costs no new images. A document the preview renders
has its pages made into images right away by the worker process that rendered it
(`PagesAhead`), the student sheet's and the key's at the same time, so they are ready
when the browser asks. Others (a PDF from the build cache) are made when asked, by
pdfium in one thread of its own (it is not thread-safe), apart from the builds.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict
from concurrent.futures import Executor, Future

from .worker import Worker

# 108 dpi: a Letter page 918 px wide, more than a column of the preview shows on an
# ordinary screen (44-52rem); about 35 ms a page where 144 dpi took about 100 ms.
SCALE = 1.5
KEPT_PDFS = 32  # enough for both paper sizes of several open previews
KEPT_IMAGES = 160


def digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:20]


class PageImages:
    def __init__(self) -> None:
        self._pdfs: OrderedDict[str, bytes] = OrderedDict()
        self._images: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self._lock = threading.Lock()
        self._worker = Worker("lessonpack-pages")

    def add(self, data: bytes) -> str:
        """Keep a PDF (any thread); returns the digest that names it and its pages."""
        name = digest(data)
        with self._lock:
            self._pdfs[name] = data
            self._pdfs.move_to_end(name)
            while len(self._pdfs) > KEPT_PDFS:
                self._pdfs.popitem(last=False)
        return name

    def add_with_pages(self, data: bytes, pngs: list[bytes]) -> str:
        """Keep a PDF and the images of its pages, made where it was rendered."""
        name = self.add(data)
        with self._lock:
            for number, png in enumerate(pngs, start=1):
                self._images[(name, number)] = png
            self._trim()
        return name

    def pdf(self, name: str) -> bytes | None:
        with self._lock:
            return self._pdfs.get(name)

    async def png(self, name: str, number: int) -> bytes | None:
        """Page `number` (1-based) of the PDF `name` as PNG, or None if there is none."""
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


def page_images(data: bytes) -> list[bytes]:
    """Every page of a PDF as PNG, in order."""
    import pypdfium2

    document = pypdfium2.PdfDocument(data)
    try:
        return [_png(page) for page in document]
    finally:
        document.close()


def render_with_pages(job):
    """In a render worker: the document (output.workers.render_task) and its page images."""
    from ..output.workers import render_task

    rendered = render_task(job)
    return rendered, page_images(rendered.data)


class PagesAhead(Executor):
    """The render workers, each making the page images of the documents it renders
    (the pipeline's render tasks); every other task passes through unchanged."""

    def __init__(self, pool: Executor, images: PageImages):
        self.pool = pool
        self.images = images

    def submit(self, fn, /, *args, **kwargs) -> Future:
        from ..output.workers import render_task

        if fn is not render_task:
            return self.pool.submit(fn, *args, **kwargs)
        rendered: Future = Future()

        def done(inner: Future) -> None:
            try:
                result, pngs = inner.result()
            except BaseException as exc:  # a refused image, a dead worker: the build's to say
                rendered.set_exception(exc)
                return
            self.images.add_with_pages(result.data, pngs)
            rendered.set_result(result)

        self.pool.submit(render_with_pages, *args, **kwargs).add_done_callback(done)
        return rendered
