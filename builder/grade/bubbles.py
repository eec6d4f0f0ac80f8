"""How full each bubble of a located sheet is, and the pictures the teacher reviews: the
page straightened, each read mark ringed.

Every bubble is sampled in the scan as it is, through the map read.locate found (no
full-page warp); the printed label's ink is found on the page itself, so the measure
does not depend on the font the sheet was printed in.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from .geometry import apply, gray_array, sample
from .layout import SheetPage

if TYPE_CHECKING:
    import numpy
    from PIL import Image

DISC = 0.8  # of a bubble's radius: the part sampled, inside the printed outline
# A pixel is "marked" when darker than this fraction of the way from the page's black to
# its paper white: pencil (gray 90-160 on white paper) counts, an erasure's smudge
# (200 and lighter) does not.
DARK = 0.71
LABEL_INK = 0.15  # the most of a bubble's sampled disc one printed character can cover


def _scale(page: SheetPage, to_pixels: numpy.ndarray) -> float:
    import numpy as np

    centre = np.array([[page.width / 2, page.height / 2], [page.width / 2 + 1, page.height / 2]])
    p = apply(to_pixels, centre)
    return float(np.hypot(*(p[1] - p[0])))


def _dark_samples(image: Any, page: SheetPage, to_pixels: numpy.ndarray):
    """Which points of each bubble's inner disc are darker than the page's mark
    threshold: a (bubbles, points) boolean array, and the points' places on a square
    grid (a boolean grid mask, the points in its row-major order)."""
    import numpy as np

    array = gray_array(image)
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
    inside = sample(array, apply(to_pixels, centres + disc))
    around = sample(array, apply(to_pixels, centres + ring))

    # paper white near each bubble (uneven lighting), never far below the page's own
    local = np.percentile(around, 80, axis=1)
    page_white = np.median(local) if len(local) else 255.0
    white = np.maximum(local, 0.9 * page_white)
    # the page's black: the middle of the corner squares
    squares = np.array(page.squares, dtype=np.float64).reshape(-1, 1, 2)
    core = np.array([[dx, dy] for dx in (-0.06, 0, 0.06) for dy in (-0.06, 0, 0.06)])
    black = float(np.median(sample(array, apply(to_pixels, squares + core))))
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
        image = Image.fromarray(gray_array(image))
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
