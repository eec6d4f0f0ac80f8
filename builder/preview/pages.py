"""PDF pages -> PNG images, so the preview shows each page exactly as the PDF prints it.

The PDFs of recent builds are kept in memory by the digest of their bytes; a page
image is named by that digest and never changes, so the browser may cache it for good
and a rebuild that changed nothing costs no new images. pdfium runs in one thread of
its own (it is not thread-safe), apart from the builds, so pages keep coming while a
rebuild runs.
"""

from __future__ import annotations

import hashlib
import io
import threading
from collections import OrderedDict

from .worker import Worker

SCALE = 2.0  # 144 dpi: sharp on high-density screens, about 60 ms a page
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
            bitmap = document[number - 1].render(scale=SCALE)
            buffer = io.BytesIO()
            bitmap.to_pil().save(buffer, "PNG", compress_level=1)
        finally:
            document.close()
        png = buffer.getvalue()
        with self._lock:
            self._images[(name, number)] = png
            while len(self._images) > KEPT_IMAGES:
                self._images.popitem(last=False)
        return png
