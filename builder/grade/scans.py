"""The pages of the scan files a teacher hands to `lessonpack grade`.

Scanners and copiers save PDFs or images (PNG, JPEG, TIFF, often one multi-page TIFF per
stack). This module lists every page of every file without decoding any of them, so
`grade` can share the pages among worker processes, and turns one page into a gray
Pillow image when a worker asks. Files and pages over the size limits (SPEC: 500 MB a
file, 60 megapixels a page) are refused before anything is decoded or rendered, and a
file that is neither a PDF nor an image, or is damaged, becomes a problem naming it:
never a traceback.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass
from pathlib import Path

MAX_FILE_BYTES = 500 * 1024 * 1024
MAX_PAGE_PIXELS = 60_000_000
PDF_DPI = 200  # a PDF page's render resolution: plenty for 0.22 in bubbles
IMAGE_FORMATS = {"PNG", "JPEG", "MPO", "TIFF"}  # MPO: what some phones call a JPEG


class ScanError(Exception):
    """A page that cannot be read; the message names the file and the page."""


@dataclass(frozen=True)
class ScanPage:
    """One page of a scan file: plain data, so it can be sent to a worker process."""

    path: Path
    given: str  # the path as the teacher typed it, for messages
    number: int  # 1-based page in its file


Problem = tuple[Path, int | None, str]


def scan_pages(paths: list[Path]) -> tuple[list[ScanPage], list[Problem]]:
    """Every page of every file, in order, and (file, page or None, message) for each
    file or page that cannot be read. Reads headers only: nothing is decoded here."""
    pages: list[ScanPage] = []
    problems: list[Problem] = []
    for path in paths:
        path = Path(path)
        given = str(path)
        problem = _file_problem(path)
        if problem:
            problems.append((path, None, problem))
            continue
        if _is_pdf(path):
            found, trouble = _pdf_pages(path)
        else:
            found, trouble = _image_pages(path)
        if trouble is not None:
            problems.append((path, None, trouble))
            continue
        for number, oversize in found:
            if oversize:
                problems.append((path, number, oversize))
            else:
                pages.append(ScanPage(path, given, number))
    return pages, problems


def load_image(page: ScanPage):
    """The page as a Pillow image in gray ("L"). Raises ScanError for a page over the
    size limit or one that cannot be decoded."""
    where = f"{page.given}, page {page.number}"
    problem = _file_problem(page.path)
    if problem:
        raise ScanError(f"{where}: {problem}")
    try:
        if _is_pdf(page.path):
            return _render_pdf_page(page.path, page.number)
        return _decode_image(page.path, page.number)
    except ScanError as error:
        raise ScanError(f"{where}: {error}") from None


# --- files --------------------------------------------------------------------------------


def _file_problem(path: Path) -> str | None:
    try:
        if path.is_dir():
            return "is a folder, not a scan file"
        size = path.stat().st_size
    except FileNotFoundError:
        return "no such file"
    except OSError as error:
        return f"cannot be read ({error.strerror or error})"
    if size > MAX_FILE_BYTES:
        return f"is {size / 2**20:.0f} MB; scan files over {MAX_FILE_BYTES // 2**20} MB are refused"
    if size == 0:
        return "is empty"
    return None


def _is_pdf(path: Path) -> bool:
    try:
        with path.open("rb") as handle:
            return b"%PDF-" in handle.read(1024)
    except OSError:
        return False


def _too_big(width: float, height: float) -> str | None:
    pixels = width * height
    if pixels > MAX_PAGE_PIXELS:
        return (
            f"is {pixels / 1e6:.0f} megapixels ({width:.0f} x {height:.0f}); "
            f"pages over {MAX_PAGE_PIXELS // 1_000_000} megapixels are refused"
        )
    return None


# --- PDFs ---------------------------------------------------------------------------------


def _pdf_pages(path: Path) -> tuple[list[tuple[int, str | None]], str | None]:
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        return [], f"is not a PDF that can be read ({error})"
    try:
        found = []
        for index in range(len(pdf)):
            width, height = pdf[index].get_size()
            found.append((index + 1, _too_big(*_pdf_pixels(width, height))))
        if not found:
            return [], "is a PDF with no pages"
        return found, None
    except pdfium.PdfiumError as error:
        return [], f"is a damaged PDF ({error})"
    finally:
        pdf.close()


def _pdf_pixels(width_pt: float, height_pt: float) -> tuple[float, float]:
    return width_pt * PDF_DPI / 72, height_pt * PDF_DPI / 72


def _render_pdf_page(path: Path, number: int):
    import pypdfium2 as pdfium

    try:
        pdf = pdfium.PdfDocument(path)
    except pdfium.PdfiumError as error:
        raise ScanError(f"is not a PDF that can be read ({error})") from None
    try:
        if not 1 <= number <= len(pdf):
            raise ScanError(f"the PDF has {len(pdf)} pages")
        page = pdf[number - 1]
        oversize = _too_big(*_pdf_pixels(*page.get_size()))
        if oversize:
            raise ScanError(oversize)
        bitmap = page.render(scale=PDF_DPI / 72, grayscale=True)
        return bitmap.to_pil().convert("L")
    except pdfium.PdfiumError as error:
        raise ScanError(f"cannot be rendered ({error})") from None
    finally:
        pdf.close()


# --- images -------------------------------------------------------------------------------


def _open(path: Path):
    """Pillow's image for the file, header only, with its decompression-bomb guard set
    to our page limit (so no page Pillow opens can be larger than twice it, and we
    check the exact size before decoding)."""
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = MAX_PAGE_PIXELS
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", Image.DecompressionBombWarning)
        return Image.open(path)


def _image_pages(path: Path) -> tuple[list[tuple[int, str | None]], str | None]:
    from PIL import Image, UnidentifiedImageError

    try:
        with _open(path) as image:
            if image.format not in IMAGE_FORMATS:
                return [], f"is a {image.format} image; scans must be PDF, PNG, JPEG or TIFF"
            found = []
            for index in range(getattr(image, "n_frames", 1)):
                image.seek(index)
                found.append((index + 1, _too_big(*image.size)))
            return found, None
    except Image.DecompressionBombError:
        return [], _too_big_message()
    except UnidentifiedImageError:
        return [], "is neither a PDF nor an image (PNG, JPEG, TIFF) that can be read"
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        return [], f"is a damaged image ({error})"


def _too_big_message() -> str:
    return f"has a page over {MAX_PAGE_PIXELS // 1_000_000} megapixels; such pages are refused"


def _decode_image(path: Path, number: int):
    from PIL import ImageFile

    # WeasyPrint, once imported in this process (a build before grading), tells Pillow to
    # load truncated images; a scan cut short must be refused, not graded half blank.
    lenient, ImageFile.LOAD_TRUNCATED_IMAGES = ImageFile.LOAD_TRUNCATED_IMAGES, False
    try:
        return _decode(path, number)
    finally:
        ImageFile.LOAD_TRUNCATED_IMAGES = lenient


def _decode(path: Path, number: int):
    from PIL import Image, UnidentifiedImageError

    try:
        with _open(path) as image:
            if image.format not in IMAGE_FORMATS:
                raise ScanError(f"is a {image.format} image; scans must be PDF, PNG, JPEG or TIFF")
            frames = getattr(image, "n_frames", 1)
            if not 1 <= number <= frames:
                raise ScanError(f"the image has {frames} pages")
            image.seek(number - 1)
            oversize = _too_big(*image.size)
            if oversize:
                raise ScanError(oversize)
            image.load()
            return _gray(image)
    except Image.DecompressionBombError:
        raise ScanError(_too_big_message()) from None
    except UnidentifiedImageError:
        raise ScanError(
            "is neither a PDF nor an image (PNG, JPEG, TIFF) that can be read"
        ) from None
    except (OSError, ValueError, SyntaxError, EOFError) as error:
        raise ScanError(f"is a damaged image ({error})") from None


def _gray(image):
    """8-bit gray, whatever the scanner saved: 1-bit, 16-bit, palette, RGB, CMYK."""
    from PIL import Image

    if image.mode in ("I;16", "I;16B", "I;16L", "I", "F"):
        import numpy as np

        values = np.asarray(image, dtype=np.float64)
        top = 65535.0 if image.mode.startswith("I;16") or values.max() > 255 else 255.0
        return Image.fromarray(np.clip(values * (255 / top), 0, 255).astype(np.uint8), "L")
    if image.mode in ("RGBA", "LA", "PA") or (image.mode == "P" and "transparency" in image.info):
        # transparent parts are paper, not black
        rgba = image.convert("RGBA")
        paper = Image.new("RGBA", rgba.size, (255, 255, 255, 255))
        return Image.alpha_composite(paper, rgba).convert("L")
    return image.convert("L")
