"""Draw each answer sheet's QR code onto its page, as vector squares.

The sheet's page is laid out once per version by WeasyPrint (sheets.py) and copied for
every student; only the code and the name differ. Drawing the code straight into the
page's content (a few hundred filled rectangles, runs of dark modules merged) costs a
millisecond, where laying the page out again costs a second. The code is an artifact
for screen readers: the tagged page says what it is.
"""

from __future__ import annotations

from .layout import INCH

QUIET = 2  # modules of white around the symbol, inside the layout's QR box (read.py)


def code_stream(text: str, box: tuple[float, float, float], page_height: float) -> bytes:
    """PDF content drawing `text`'s QR code (segno, error level M) in `box` = (left, top,
    size) inches from the paper's top-left corner, on a page `page_height` inches tall."""
    import segno

    matrix = segno.make_qr(text, error="m", boost_error=False).matrix
    count = len(matrix)
    left, top, size = box
    module = size / (count + 2 * QUIET) * INCH
    x0, y0 = left * INCH + QUIET * module, (page_height - top) * INCH - QUIET * module
    rects = []
    for r, row in enumerate(matrix):
        c = 0
        while c < count:
            if not row[c]:
                c += 1
                continue
            start = c
            while c < count and row[c]:
                c += 1
            x, y = x0 + start * module, y0 - (r + 1) * module
            rects.append(f"{x:.3f} {y:.3f} {(c - start) * module:.3f} {module:.3f} re")
    white = (
        f"1 g {left * INCH:.3f} {(page_height - top - size) * INCH:.3f} "
        f"{size * INCH:.3f} {size * INCH:.3f} re f"
    )
    body = "\n".join(rects)
    return f"/Artifact BMC\nq {white}\n0 g\n{body}\nf\nQ\nEMC\n".encode()


def draw_codes(pdf: bytes, codes: list[str | None], box: tuple[float, float, float]) -> bytes:
    """`pdf` with codes[i] drawn on page i (None: none), every page's other content and
    tags kept."""
    from pikepdf import Array, Rectangle, Stream

    from ..render.stamps import open_pdf, save_pdf

    document = open_pdf(pdf)
    for page, text in zip(document.pages, codes, strict=True):
        if text is None:
            continue
        height = Rectangle(page.mediabox).height / INCH
        contents = page.obj.get("/Contents", Array())
        streams = list(contents) if isinstance(contents, Array) else [contents]
        drawn = Stream(document, code_stream(text, box, height))
        page.obj.Contents = Array(
            [Stream(document, b"q\n"), *streams, Stream(document, b"Q\n"), drawn]
        )
    return save_pdf(document, [document])
