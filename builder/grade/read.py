"""Reading one scanned answer sheet: its QR code, where the paper lies in the image, and
how full each bubble is.

The QR code names the sheet and its page, so the layout (layout.py) says where everything
was printed; the QR's corners give a rough map from the paper's inches to the scan's
pixels, the four corner squares pin it down, and every bubble is then sampled in the
scan as it is, through that map, with no full-page warp. Only numpy, Pillow and
zxing-cpp: nothing here needs OpenCV.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .layout import SQUARE, SheetPage

if TYPE_CHECKING:
    import numpy
    from PIL import Image


class NotFound(Exception):
    """The sheet's corner squares cannot be found where the QR code says they are, or
    what was found does not look like a flat sheet of this paper size."""


SEARCH = 0.35  # inches around the predicted centre of a corner square
DISC = 0.8  # of a bubble's radius: the part sampled, inside the printed outline
# A pixel is "marked" when darker than this fraction of the way from the page's black to
# its paper white: pencil (gray 90-160 on white paper) counts, an erasure's smudge
# (200 and lighter) does not.
DARK = 0.71
LABEL_INK = 0.15  # the most of a bubble's sampled disc one printed character can cover


def _array(image: Any) -> numpy.ndarray:
    import numpy as np

    array = np.asarray(image)
    if array.ndim == 3:  # RGB(A) handed in by mistake: use its mean as gray
        array = array[..., :3].mean(axis=2).astype(np.uint8)
    return array


# --- the QR code --------------------------------------------------------------------------


def find_code(image: Any) -> tuple[str, numpy.ndarray] | None:
    """The QR code's text and its corners in pixels (top-left, top-right, bottom-right,
    bottom-left of the symbol as printed, so they turn with the page), or None.

    Tries the scan as it is (quickly, then thoroughly), then a contrast-stretched copy
    and a half-size one, which help with faint or noisy scans. Takes a Pillow image or
    a 2-D uint8 array (pass the same array to locate and fills to convert only once)."""
    import numpy as np

    array = _array(image)
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
        values = _sample(array, _apply(to_pixels, points / n))
        expect = np.tile((np.arange(8, n - 8) % 2) == 0, 2)  # dark on even modules
        threshold = (values.max() + values.min()) / 2
        score = float(np.mean((values < threshold) == expect))
        if score > best_score:
            best, best_score = n, score
    return best


# --- transforms ---------------------------------------------------------------------------


def _apply(matrix: numpy.ndarray, points: numpy.ndarray) -> numpy.ndarray:
    """Map (..., 2) points through a 3x3 homography."""
    import numpy as np

    points = np.asarray(points, dtype=np.float64)
    x, y = points[..., 0], points[..., 1]
    w = matrix[2, 0] * x + matrix[2, 1] * y + matrix[2, 2]
    u = (matrix[0, 0] * x + matrix[0, 1] * y + matrix[0, 2]) / w
    v = (matrix[1, 0] * x + matrix[1, 1] * y + matrix[1, 2]) / w
    return np.stack([u, v], axis=-1)


def _similarity(src: numpy.ndarray, dst: numpy.ndarray, weights=None) -> numpy.ndarray:
    """Least-squares rotation + uniform scale + shift from src to dst (no mirroring: a
    scan is never a mirror image), each pair counted `weights` times (default once)."""
    import numpy as np

    w = np.sqrt(np.ones(len(src)) if weights is None else np.asarray(weights, float))
    x, y = src[:, 0], src[:, 1]
    one, zero = np.ones(len(src)), np.zeros(len(src))
    a_mat = np.vstack([np.column_stack([x, -y, one, zero]), np.column_stack([y, x, zero, one])])
    ww = np.concatenate([w, w])
    b_vec = np.concatenate([dst[:, 0], dst[:, 1]])
    (a, b, tx, ty), *_ = np.linalg.lstsq(a_mat * ww[:, None], b_vec * ww, rcond=None)
    return np.array([[a, -b, tx], [b, a, ty], [0, 0, 1.0]])


def _affine(src: numpy.ndarray, dst: numpy.ndarray) -> numpy.ndarray:
    import numpy as np

    a_mat = np.column_stack([src, np.ones(len(src))])
    solution, *_ = np.linalg.lstsq(a_mat, dst, rcond=None)
    return np.vstack([solution.T, [0, 0, 1.0]])


def homography(src: numpy.ndarray, dst: numpy.ndarray) -> numpy.ndarray:
    """The 3x3 homography taking src points to dst points (4 or more), by the normalised
    direct linear transform."""
    import numpy as np

    def normaliser(points):
        centre = points.mean(axis=0)
        spread = np.sqrt(((points - centre) ** 2).sum(axis=1)).mean() or 1.0
        k = math.sqrt(2) / spread
        return np.array([[k, 0, -k * centre[0]], [0, k, -k * centre[1]], [0, 0, 1.0]])

    src, dst = np.asarray(src, float), np.asarray(dst, float)
    t_src, t_dst = normaliser(src), normaliser(dst)
    s = _apply(t_src, src)
    d = _apply(t_dst, dst)
    rows = []
    for (x, y), (u, v) in zip(s, d, strict=True):
        rows.append([-x, -y, -1, 0, 0, 0, u * x, u * y, u])
        rows.append([0, 0, 0, -x, -y, -1, v * x, v * y, v])
    _, _, vt = np.linalg.svd(np.array(rows))
    h = vt[-1].reshape(3, 3)
    h = np.linalg.inv(t_dst) @ h @ t_src
    return h / h[2, 2]


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

    array = _array(image)
    code_corners = np.asarray(code_corners, dtype=np.float64)
    code_inches = qr_corners(page, _modules(array, code_corners))
    rough = _similarity(code_inches, code_corners)
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
            current = _affine(squares[known], got)
        elif len(known) == 2:
            current = _similarity(squares[known], got)
        else:
            src, dst = np.vstack([code_inches, squares[known]]), np.vstack([code_corners, got])
            current = _similarity(src, dst, [1.0] * 4 + [8.0] * len(known))
        predicted = _apply(current, squares[index])
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
        p = _apply(matrix, np.array([[x, y], [x + e, y], [x, y + e]]))
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

    off = np.hypot(*(_apply(matrix, code_inches) - code_corners).T).max() / dpi
    if off > 0.1:
        raise NotFound(f"the corner squares and the QR code disagree by {off:.2f} in")
    paper = _apply(matrix, np.array([[0, 0], [page.width, 0], [page.width, page.height]]))
    area = np.hypot(*(paper[1] - paper[0])) * np.hypot(*(paper[2] - paper[1]))
    if area < 0.3 * shape[0] * shape[1]:
        raise NotFound("the sheet found fills too little of the image for this paper size")


# --- the bubbles --------------------------------------------------------------------------


def _sample(array: numpy.ndarray, points: numpy.ndarray) -> numpy.ndarray:
    """Bilinear gray values at (..., 2) pixel positions (pixel centres at +0.5); 255
    outside the image."""
    import numpy as np

    h, w = array.shape
    x = points[..., 0] - 0.5
    y = points[..., 1] - 0.5
    outside = (x < 0) | (y < 0) | (x > w - 1) | (y > h - 1)
    x = np.clip(x, 0, w - 1.001)
    y = np.clip(y, 0, h - 1.001)
    x0, y0 = x.astype(np.intp), y.astype(np.intp)
    fx, fy = x - x0, y - y0
    flat = array.reshape(-1)
    i = y0 * w + x0
    top = flat[i] * (1 - fx) + flat[i + 1] * fx
    bottom = flat[i + w] * (1 - fx) + flat[i + w + 1] * fx
    values = top * (1 - fy) + bottom * fy
    return np.where(outside, 255.0, values)


def _scale(page: SheetPage, to_pixels: numpy.ndarray) -> float:
    import numpy as np

    centre = np.array([[page.width / 2, page.height / 2], [page.width / 2 + 1, page.height / 2]])
    p = _apply(to_pixels, centre)
    return float(np.hypot(*(p[1] - p[0])))


def _dark_samples(image: Any, page: SheetPage, to_pixels: numpy.ndarray):
    """Which points of each bubble's inner disc are darker than the page's mark
    threshold: a (bubbles, points) boolean array, and the points' places on a square
    grid (a boolean grid mask, the points in its row-major order)."""
    import numpy as np

    array = _array(image)
    dpi = _scale(page, to_pixels)
    r = page.radius
    reach = DISC * r
    # a grid about one pixel apart (coarser on fine scans: 25 steps per radius at most)
    n = max(4, min(25, math.ceil(reach * dpi)))
    steps = np.linspace(-reach, reach, 2 * n + 1)
    gx, gy = np.meshgrid(steps, steps)
    keep = np.hypot(gx, gy) <= reach
    disc = np.column_stack([gx[keep], gy[keep]])
    angles = np.linspace(0, 2 * math.pi, 48, endpoint=False)
    radii = np.array([1.25, 1.35, 1.45]) * r
    ring = np.column_stack(
        [np.outer(radii, np.cos(angles)).ravel(), np.outer(radii, np.sin(angles)).ravel()]
    )

    centres = np.array([[b.x, b.y] for b in page.bubbles], dtype=np.float64).reshape(-1, 1, 2)
    inside = _sample(array, _apply(to_pixels, centres + disc))
    around = _sample(array, _apply(to_pixels, centres + ring))

    # paper white near each bubble (uneven lighting), never far below the page's own
    local = np.percentile(around, 80, axis=1)
    page_white = np.median(local) if len(local) else 255.0
    white = np.maximum(local, 0.9 * page_white)
    # the page's black: the middle of the corner squares
    squares = np.array(page.squares, dtype=np.float64).reshape(-1, 1, 2)
    core = np.array([[dx, dy] for dx in (-0.06, 0, 0.06) for dy in (-0.06, 0, 0.06)])
    black = float(np.median(_sample(array, _apply(to_pixels, squares + core))))
    black = min(black, float(page_white) - 60)
    threshold = black + DARK * (white - black)
    return inside < threshold[:, None], keep


def darkness(image: Any, page: SheetPage, to_pixels: numpy.ndarray) -> numpy.ndarray:
    """For each bubble, the fraction of its inner disc darker than the page's mark
    threshold, label and outline included (the raw measure `fills` corrects)."""
    dark, _ = _dark_samples(image, page, to_pixels)
    return dark.mean(axis=1)


def _grow(points: numpy.ndarray, keep: numpy.ndarray) -> numpy.ndarray:
    """A disc-point mask grown by one grid step in every direction (so a label's ink
    found on one bubble still covers it on another, sampled a fraction of a pixel off)."""
    import numpy as np

    grid = np.zeros(keep.shape, dtype=bool)
    grid[keep] = points
    padded = np.pad(grid, 1)
    h, w = grid.shape
    grown = np.zeros_like(grid)
    for dy in range(3):
        for dx in range(3):
            grown |= padded[dy : dy + h, dx : dx + w]
    return grown[keep]


def _box(grids: numpy.ndarray, before: int, after: int) -> numpy.ndarray:
    """Sums over a square window of each (..., h, w) grid: from `before` cells up/left
    to `after` cells down/right of each cell (zeros beyond the grid)."""
    import numpy as np

    k = before + after + 1
    pad = [(0, 0)] * (grids.ndim - 2) + [(before + 1, after)] * 2
    total = np.pad(grids, pad).cumsum(axis=-2).cumsum(axis=-1)
    return total[..., k:, k:] - total[..., :-k, k:] - total[..., k:, :-k] + total[..., :-k, :-k]


def _fill_through(dark: numpy.ndarray, label_ink: numpy.ndarray, keep: numpy.ndarray):
    """The marked share of each bubble's disc (rows of `dark`), where the points under
    the label's ink are taken as marked when most of the paper around them, within a
    few grid steps, is: so a mark covering one side of the disc counts the label's
    points on that side and not those on the other."""
    import numpy as np

    seen = np.zeros((dark.shape[0], *keep.shape))
    seen[:, keep] = np.where(label_ink, False, dark)
    paper = np.zeros(keep.shape)
    paper[keep] = ~label_ink
    around = _box(seen, 4, 4)[:, keep]
    room = _box(paper, 4, 4)[keep]
    inferred = around > 0.5 * np.maximum(room, 1)
    return np.where(label_ink, inferred, dark).mean(axis=1)


def _opened(dark: numpy.ndarray, keep: numpy.ndarray, k: int) -> numpy.ndarray:
    """The dark share of each bubble's disc after a morphological opening by a k x k
    square: strokes thinner than k grid steps (a printed label's) go, broad marks stay.
    Outside the disc counts as dark, so a mark reaching its edge keeps its edge."""
    import numpy as np

    grid = np.ones((dark.shape[0], *keep.shape), dtype=np.int32)
    grid[:, keep] = dark
    lo, hi = (k - 1) // 2, k // 2
    eroded = (_box(grid, lo, hi) == k * k).astype(np.int32)
    return (_box(eroded, hi, lo) > 0)[:, keep].mean(axis=1)


def fills(image: Any, page: SheetPage, to_pixels: numpy.ndarray) -> list[float]:
    """How full each bubble is, in page.bubbles order: 0.0 as printed, 1.0 solidly
    filled, with the printed label's and outline's ink taken out.

    The label's ink is found on the page itself: among the bubbles with the same label,
    the least dark one shows it (where it is clean); its dark points, grown by a pixel,
    are judged in every bubble with that label by the paper around them (see
    `_fill_through`), and the fill is the marked share of the disc. A label printed
    once on the page, or one whose every bubble is marked (its least dark one is darker
    than a label can be), has no clean copy to learn from: its thin strokes are opened
    away instead (`_opened`, by an eighth of the font size and two pixels), which also
    drops a pen line that thin."""
    import numpy as np

    dark, keep = _dark_samples(image, page, to_pixels)
    raw = dark.mean(axis=1)
    values = np.empty(len(raw))
    by_label: dict[str, list[int]] = {}
    for index, bubble in enumerate(page.bubbles):
        by_label.setdefault(bubble.value, []).append(index)
    step = 2 * DISC * page.radius / (keep.shape[0] - 1)  # inches between grid points
    # a printed stroke is about a tenth of the font size, blurred by a pixel each side
    width = 0.12 * page.style.bubble_font / 72 + 2 / _scale(page, to_pixels)
    stroke = max(2, math.ceil(width / step))
    for label, indices in by_label.items():
        cleanest = indices[int(np.argmin(raw[indices]))]
        if len(indices) > 1 and raw[cleanest] <= LABEL_INK * max(1, len(label)):
            label_ink = _grow(dark[cleanest], keep)
            values[indices] = _fill_through(dark[indices], label_ink, keep)
        else:
            values[indices] = _opened(dark[indices], keep, stroke)
    return [round(float(v), 4) for v in np.clip(values, 0.0, 1.0)]


# --- pictures for the teacher -------------------------------------------------------------


def straighten(
    image: Any, page: SheetPage, to_pixels: numpy.ndarray, dpi: int = 100
) -> Image.Image:
    """The whole paper, straightened, at `dpi`, in gray."""
    import numpy as np
    from PIL import Image

    if not isinstance(image, Image.Image):
        image = Image.fromarray(_array(image))
    if image.mode != "L":
        image = image.convert("L")
    out_to_in = np.asarray(to_pixels, dtype=np.float64) @ np.diag([1 / dpi, 1 / dpi, 1.0])
    out_to_in = out_to_in / out_to_in[2, 2]
    size = (round(page.width * dpi), round(page.height * dpi))
    return image.transform(
        size,
        Image.Transform.PERSPECTIVE,
        tuple(out_to_in.ravel()[:8]),
        resample=Image.Resampling.BILINEAR,
        fillcolor=255,
    )


RING_STYLES = ("correct", "wrong", "unclear")


def ring(
    image: Image.Image, page: SheetPage, dpi: int, bubble_index: int, style: str
) -> Image.Image:
    """Draw on a straightened page (in place, and return it) a mark around one bubble
    that reads apart on a gray printout: "correct" a thick solid black circle, "wrong" a
    dark-gray square box, "unclear" a light-gray dashed circle. All stay within half
    the paper between two bubbles, so neighbours' rings never meet."""
    from PIL import ImageDraw

    if style not in RING_STYLES:
        raise ValueError(f"unknown ring style {style!r}")
    bubble = page.bubbles[bubble_index]
    draw = ImageDraw.Draw(image)
    cx, cy, r = bubble.x * dpi, bubble.y * dpi, page.radius * dpi
    # half the paper between two bubbles of a row: rings on neighbours never touch
    room = (page.style.pitch / 2 - page.radius) * 0.9 * dpi
    width = max(2, round(room * 0.6))
    if style == "correct":
        reach = r + room
        width = max(3, round(room * 0.9))
        draw.ellipse((cx - reach, cy - reach, cx + reach, cy + reach), outline=0, width=width)
    elif style == "wrong":
        reach = r + room * 0.75
        box = (cx - reach, cy - reach, cx + reach, cy + reach)
        draw.rectangle(box, outline=90, width=max(2, round(width * 0.75)))
    else:
        reach = r + room
        box = (cx - reach, cy - reach, cx + reach, cy + reach)
        for start in range(0, 360, 30):
            draw.arc(box, start, start + 15, fill=175, width=width)
    return image
