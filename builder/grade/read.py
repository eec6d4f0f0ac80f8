"""Reading one scanned answer sheet: its QR code, where the paper lies in the image, and
how full each bubble is.

The QR code names the sheet and its page, so the layout (layout.py) says where everything
was printed; the QR's corners give a rough map from the paper's inches to the scan's
pixels, the four corner squares pin it down, and every bubble is then sampled in the
scan as it is, through that map, with no full-page warp (bubbles.py; its fills,
straighten and ring are here too, so grading calls one module). Only numpy, Pillow and
zxing-cpp: nothing here needs OpenCV.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .bubbles import RING_STYLES, darkness, fills, ring, straighten
from .geometry import affine, apply, gray_array, homography, sample, similarity
from .layout import SQUARE, SheetPage

if TYPE_CHECKING:
    import numpy

__all__ = [
    "RING_STYLES",
    "NotFound",
    "darkness",
    "fills",
    "find_code",
    "locate",
    "qr_corners",
    "ring",
    "straighten",
]


class NotFound(Exception):
    """The sheet's corner squares cannot be found where the QR code says they are, or
    what was found does not look like a flat sheet of this paper size."""


SEARCH = 0.35  # inches around the predicted centre of a corner square


# --- the QR code --------------------------------------------------------------------------


def find_code(image: Any) -> tuple[str, numpy.ndarray] | None:
    """The QR code's text and its corners in pixels (top-left, top-right, bottom-right,
    bottom-left of the symbol as printed, so they turn with the page), or None.

    Tries the scan as it is (quickly, then thoroughly), then a contrast-stretched copy
    and a half-size one, which help with faint or noisy scans. Takes a Pillow image or
    a 2-D uint8 array (pass the same array to locate and fills to convert only once)."""
    import numpy as np

    array = gray_array(image)
    found = _decode(array, thorough=False) or _decode(array)
    if found is None:
        low, high = np.percentile(array[::4, ::4], (1, 99))
        if high - low > 10:
            stretched = np.clip((array.astype(np.float32) - low) * (255 / (high - low)), 0, 255)
            found = _decode(stretched.astype(np.uint8))
    if found is None and min(array.shape) > 400:
        h, w = array.shape
        half = array[: h // 2 * 2, : w // 2 * 2].reshape(h // 2, 2, w // 2, 2).mean(axis=(1, 3))
        found = _decode(half.astype(np.uint8), scale=2.0)
    return found


def _decode(
    array: numpy.ndarray, scale: float = 1.0, thorough: bool = True
) -> tuple[str, numpy.ndarray] | None:
    import numpy as np
    import zxingcpp

    # QR codes are found at any angle without try_rotate; the thorough pass also tries
    # zxing's own downscaled and inverted copies
    options = {} if thorough else dict(try_rotate=False, try_invert=False, try_downscale=False)
    codes = zxingcpp.read_barcodes(
        np.ascontiguousarray(array), formats=zxingcpp.BarcodeFormat.QRCode, **options
    )
    for code in codes:
        if not code.valid or not code.text:
            continue
        p = code.position
        corners = np.array(
            [[c.x, c.y] for c in (p.top_left, p.top_right, p.bottom_right, p.bottom_left)],
            dtype=np.float64,
        )
        return code.text, corners * scale
    return None


def qr_corners(page: SheetPage, modules: int | None = None) -> numpy.ndarray:
    """The printed QR symbol's corners in inches (top-left, top-right, bottom-right,
    bottom-left), without its quiet zone. `modules` is the symbol's width in modules
    (4 x version + 17); by default a version-4 code's, which is within a module of
    every code this format prints."""
    import numpy as np

    left, top, size = page.qr_box
    n = modules or 33
    quiet = size * 2 / (n + 4)
    a, b = left + quiet, left + size - quiet
    c, d = top + quiet, top + size - quiet
    return np.array([[a, c], [b, c], [b, d], [a, d]], dtype=np.float64)


def _modules(array: numpy.ndarray, corners: numpy.ndarray) -> int | None:
    """The QR symbol's width in modules, read from its timing patterns (the lines of
    alternating modules between its finder patterns); None when no size fits."""
    import numpy as np

    unit = np.array([[0, 0], [1, 0], [1, 1], [0, 1]], dtype=np.float64)
    to_pixels = homography(unit, corners)
    best, best_score = None, 0.8
    for n in range(21, 58, 4):  # versions 1 to 10
        along = np.arange(8, n - 8) + 0.5
        across = np.full_like(along, 6.5)
        points = np.vstack([np.column_stack([along, across]), np.column_stack([across, along])])
        values = sample(array, apply(to_pixels, points / n))
        expect = np.tile((np.arange(8, n - 8) % 2) == 0, 2)  # dark on even modules
        threshold = (values.max() + values.min()) / 2
        score = float(np.mean((values < threshold) == expect))
        if score > best_score:
            best, best_score = n, score
    return best


# --- the corner squares -------------------------------------------------------------------


def _find_square(
    array: numpy.ndarray, centre: numpy.ndarray, dpi: float
) -> tuple[numpy.ndarray, str | None]:
    """The dark-pixel centroid of the corner square nearest `centre` (pixels), or a
    reason it is not there. `dpi` is the scan's pixels per inch, from the rough map."""
    import numpy as np

    side = SQUARE * dpi
    reach = (SEARCH + SQUARE * 1.2) * dpi
    x0, y0 = int(max(0, centre[0] - reach)), int(max(0, centre[1] - reach))
    x1 = int(min(array.shape[1], centre[0] + reach + 1))
    y1 = int(min(array.shape[0], centre[1] + reach + 1))
    if x1 - x0 < side or y1 - y0 < side:
        return centre, "its place is outside the image"
    window = array[y0:y1, x0:x1].astype(np.float32)
    black, white = np.percentile(window[::3, ::3], (2, 90))
    if white - black < 50:
        return centre, "no dark square near where it should be"
    dark = window < (black + white) / 2

    # where a square of the right size holds the most dark pixels (box sums by an
    # integral image), among positions within SEARCH of the prediction
    k = max(3, round(side))
    integral = np.zeros((dark.shape[0] + 1, dark.shape[1] + 1), dtype=np.int32)
    integral[1:, 1:] = dark.cumsum(axis=0).cumsum(axis=1)
    sums = integral[k:, k:] - integral[:-k, k:] - integral[k:, :-k] + integral[:-k, :-k]
    ys, xs = np.mgrid[0 : sums.shape[0], 0 : sums.shape[1]]
    cx, cy = xs + x0 + k / 2, ys + y0 + k / 2
    near = (np.abs(cx - centre[0]) <= SEARCH * dpi) & (np.abs(cy - centre[1]) <= SEARCH * dpi)
    scores = np.where(near, sums, -1)
    best = np.unravel_index(np.argmax(scores), scores.shape)
    if scores[best] < 0.7 * k * k:
        return centre, "no filled square of the right size near where it should be"

    # the centroid of the dark pixels in a box a little larger than the square
    bx, by = best[1] + k / 2, best[0] + k / 2  # window coordinates of the box centre
    inner = round(0.75 * k)
    ix0, iy0 = int(max(0, bx - inner)), int(max(0, by - inner))
    ix1, iy1 = int(min(dark.shape[1], bx + inner)), int(min(dark.shape[0], by + inner))
    blob = dark[iy0:iy1, ix0:ix1]
    area = blob.sum()
    if not 0.7 * side * side <= area <= 1.35 * side * side:
        return centre, f"the dark patch there is {area / (side * side):.0%} of a square's size"
    yy, xx = np.nonzero(blob)
    found = np.array([xx.mean() + ix0 + x0 + 0.5, yy.mean() + iy0 + y0 + 0.5])

    # a square stands alone: the band around it is mostly paper (not a dark border or a
    # large black shape)
    outer = round(1.2 * k)
    ox0, oy0 = int(max(0, bx - outer)), int(max(0, by - outer))
    ox1, oy1 = int(min(dark.shape[1], bx + outer)), int(min(dark.shape[0], by + outer))
    band = dark[oy0:oy1, ox0:ox1].sum() - area
    band_area = (ox1 - ox0) * (oy1 - oy0) - (ix1 - ix0) * (iy1 - iy0)
    if band_area > 0 and band / band_area > 0.2:
        return centre, "the dark patch there is part of something larger than a square"
    return found, None


def locate(image: Any, page: SheetPage, code_corners: numpy.ndarray) -> numpy.ndarray:
    """The 3x3 homography from page inches (x, y, 1) to the scan's pixels, from the QR
    code's corners (roughly) and the four corner squares (precisely). Raises NotFound
    when a square is missing or the fit does not look like this sheet."""
    import numpy as np

    array = gray_array(image)
    code_corners = np.asarray(code_corners, dtype=np.float64)
    code_inches = qr_corners(page, _modules(array, code_corners))
    rough = similarity(code_inches, code_corners)
    dpi = math.sqrt(abs(np.linalg.det(rough[:2, :2])))
    if not 30 <= dpi <= 2400:
        raise NotFound(f"the QR code's size implies {dpi:.0f} dots per inch")

    squares = np.array(page.squares, dtype=np.float64)
    qr_centre = code_inches.mean(axis=0)
    order = np.argsort(np.hypot(*(squares - qr_centre).T))
    names = ("top-left", "top-right", "bottom-right", "bottom-left")
    found: dict[int, np.ndarray] = {}
    for index in order:
        # the map so far: the QR code alone, then the squares found (far apart, so more
        # exact than the QR's corners: weighed more, and alone from two squares on)
        known = list(found)
        got = np.array([found[i] for i in known]).reshape(-1, 2)
        if len(known) >= 3:
            current = affine(squares[known], got)
        elif len(known) == 2:
            current = similarity(squares[known], got)
        else:
            src, dst = np.vstack([code_inches, squares[known]]), np.vstack([code_corners, got])
            current = similarity(src, dst, [1.0] * 4 + [8.0] * len(known))
        predicted = apply(current, squares[index])
        centre, problem = _find_square(array, predicted, dpi)
        if problem:
            raise NotFound(f"the {names[index]} corner square: {problem}")
        found[index] = centre

    pixels = np.array([found[i] for i in range(4)])
    matrix = homography(squares, pixels)
    _check(matrix, page, code_corners, code_inches, array.shape)
    return matrix


def _check(matrix, page: SheetPage, code_corners, code_inches, shape) -> None:
    """Refuse a fit that cannot be this sheet lying flat in the scan."""
    import numpy as np

    def local_axes(x: float, y: float):
        e = 0.01
        p = apply(matrix, np.array([[x, y], [x + e, y], [x, y + e]]))
        return (p[1] - p[0]) / e, (p[2] - p[0]) / e

    scales = []
    for x, y in ((0, 0), (page.width, 0), (page.width, page.height), (0, page.height)):
        ax, ay = local_axes(x, y)
        sx, sy = np.hypot(*ax), np.hypot(*ay)
        if not 0.9 <= sx / sy <= 1.1:
            raise NotFound("the sheet looks stretched: its width and height scale differently")
        cos = abs(ax @ ay) / (sx * sy)
        if cos > math.sin(math.radians(4)):
            raise NotFound("the sheet looks sheared: its corners are not square")
        scales.append(math.sqrt(sx * sy))
    if max(scales) / min(scales) > 1.1:
        raise NotFound("the sheet looks tilted: one end is much larger than the other")
    dpi = float(np.mean(scales))

    off = np.hypot(*(apply(matrix, code_inches) - code_corners).T).max() / dpi
    if off > 0.1:
        raise NotFound(f"the corner squares and the QR code disagree by {off:.2f} in")
    paper = apply(matrix, np.array([[0, 0], [page.width, 0], [page.width, page.height]]))
    area = np.hypot(*(paper[1] - paper[0])) * np.hypot(*(paper[2] - paper[1]))
    if area < 0.3 * shape[0] * shape[1]:
        raise NotFound("the sheet found fills too little of the image for this paper size")
