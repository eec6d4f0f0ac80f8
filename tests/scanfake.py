"""Synthetic scans of answer sheets, for the reader's tests and benchmark.

Real sheets are rendered by WeasyPrint (sheets.py); until printed and scanned ones exist,
these pages are drawn from the same geometry (layout.py) with Pillow and segno: the corner
squares, the QR code in its box, the bubbles with their labels. `mark` fills bubbles the
ways students do, and `distort` makes a page look scanned: skewed, shifted, rescaled,
blurred, noisy, JPEG-compressed, or fed in upside down. Everything random takes an rng,
so a test sees the same page on every run.
"""

from __future__ import annotations

import io
import math
from functools import cache

import numpy as np
import pypdfium2 as pdfium
import segno
from PIL import Image, ImageDraw, ImageFilter, ImageFont

from builder.grade.layout import INCH, SQUARE, Heading, Row, SheetPage, paginate

DISC = 0.8  # of the radius: the disc the reader samples (read.DISC)
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf"
HOWS = ("solid", "pen", "half", "check", "erased", "light")


def sample_lines() -> list[Row | Heading]:
    """A sheet's rows of every kind: choices (4 and 5 bubbles), true/false, a timeline,
    a score of up to 20 (tens and units) and a match; on Letter it fills two pages, and
    the second holds labels printed only once ("7", "10", "20")."""
    lines: list[Row | Heading] = [Heading("Origins of the Cuban Missile Crisis")]
    for n in range(1, 13):
        lines.append(Row(f"q{n}", str(n), "choice", tuple("ABCD" if n % 3 else "ABCDE")))
    for n in range(13, 19):
        lines.append(Row(f"q{n}", str(n), "truefalse", ("T", "F")))
    events = tuple(str(k) for k in range(1, 7))
    for n in range(1, 7):
        lines.append(Row("timeline", f"T{n}", "order", events, part=str(n)))
    lines.append(Row("q20", "20", "score", ("0", "10", "20"), part="tens"))
    lines.append(Row("q20", "20", "score", tuple(str(k) for k in range(10)), part="units"))
    lines.append(Row("o1", "O1", "match", tuple("ABCDEFGH")))
    return lines


def sample_pages(large_print: bool = False, paper: str = "letter") -> list[SheetPage]:
    width, height = {"letter": (8.5, 11.0), "a4": (8.27, 11.69)}[paper]
    return paginate(sample_lines(), width, height, large_print)


def page_images(pdf_bytes: bytes, dpi: int) -> list[Image.Image]:
    """Every page of a PDF rendered at `dpi`, in gray."""
    pdf = pdfium.PdfDocument(pdf_bytes)
    try:
        return [page.render(scale=dpi / 72, grayscale=True).to_pil().convert("L") for page in pdf]
    finally:
        pdf.close()


@cache
def _font(pixels: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(FONT, pixels)


def qr_modules(text: str) -> np.ndarray:
    """The QR symbol as a boolean array (True = dark), with its two-module quiet zone."""
    qr = segno.make(text, error="m", micro=False)
    return np.array(list(qr.matrix_iter(scale=1, border=2)), dtype=bool)


def draw_page(page: SheetPage, qr_text: str, dpi: int) -> Image.Image:
    """The sheet as printed, at `dpi`: squares, QR code, bubbles with labels, row labels."""
    width, height = round(page.width * dpi), round(page.height * dpi)
    image = Image.new("L", (width, height), 255)
    draw = ImageDraw.Draw(image)

    def px(value: float) -> float:
        return value * dpi

    for cx, cy in page.squares:
        half = SQUARE / 2
        draw.rectangle((px(cx - half), px(cy - half), px(cx + half) - 1, px(cy + half) - 1), fill=0)

    left, top, size = page.qr_box
    modules = qr_modules(qr_text)
    side = round(px(size))
    symbol = Image.fromarray(np.where(modules, 0, 255).astype(np.uint8), "L")
    image.paste(
        symbol.resize((side, side), Image.Resampling.NEAREST), (round(px(left)), round(px(top)))
    )

    draw.text(
        (px(0.75), px(0.8)),
        "Name: ______________________",
        font=_font(round(px(11 / INCH))),
        fill=0,
    )
    draw.text(
        (px(0.75), px(1.2)),
        "Answer sheet — fill each bubble",
        font=_font(round(px(9 / INCH))),
        fill=0,
    )
    for text in page.texts:
        font = _font(max(1, round(px(text.size / INCH))))
        draw.text((px(text.x), px(text.y)), text.text, font=font, fill=0, anchor="lm")

    outline = max(1, round(px(0.75 / INCH)))
    label_font = _font(max(1, round(px(page.style.bubble_font / INCH))))
    r = page.radius
    for bubble in page.bubbles:
        box = (px(bubble.x - r), px(bubble.y - r), px(bubble.x + r), px(bubble.y + r))
        draw.ellipse(box, outline=0, width=outline)
        draw.text((px(bubble.x), px(bubble.y)), bubble.value, font=label_font, fill=0, anchor="mm")
    image.info["dpi"] = (dpi, dpi)
    return image


def _patch(image: Image.Image, cx: float, cy: float, reach: float):
    """A square numpy patch of `image` around (cx, cy) pixels, its offset, and the pixel
    coordinates of its cells relative to the centre."""
    x0, y0 = max(0, int(cx - reach)), max(0, int(cy - reach))
    x1, y1 = min(image.width, int(cx + reach) + 2), min(image.height, int(cy + reach) + 2)
    patch = np.asarray(image.crop((x0, y0, x1, y1)), dtype=np.float64).copy()
    ys, xs = np.mgrid[y0:y1, x0:x1]
    return patch, (x0, y0), xs + 0.5 - cx, ys + 0.5 - cy


def _segment_distance(px: np.ndarray, py: np.ndarray, a: tuple, b: tuple) -> np.ndarray:
    ax, ay = a
    bx, by = b
    dx, dy = bx - ax, by - ay
    t = np.clip(((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy), 0, 1)
    return np.hypot(px - ax - t * dx, py - ay - t * dy)


def _chord(share: float) -> float:
    """The distance from a unit circle's centre of the chord that leaves `share` of
    its area on the far side."""
    low, high = -1.0, 1.0
    for _ in range(50):
        d = (low + high) / 2
        if (math.acos(d) - d * math.sqrt(1 - d * d)) / math.pi > share:
            low = d
        else:
            high = d
    return (low + high) / 2


def mark(
    image: Image.Image,
    page: SheetPage,
    dpi: int,
    bubble_index: int,
    how: str,
    amount: float | None = None,
) -> float:
    """Mark one bubble of an undistorted page in place, the way a student would:
    "solid" (pencil, textured gray, a little short of or beyond the outline), "pen" (near
    black), "half" (one side of the disc: 33-42 % of the part the reader samples, or
    `amount` of it), "check" (a tick over about 30 % of it), "erased" (the light smudge a
    rubbed-out mark leaves) or "light" (a faint dot, under 10 %). Returns the share of
    the disc the reader samples (DISC of the radius) that the mark darkens (the smudge
    of an erasure not counted): what the reader's fill should come close to."""
    if how not in HOWS:
        raise ValueError(f"unknown mark {how!r}")
    rng = np.random.default_rng(1000 + bubble_index * 7 + HOWS.index(how))
    bubble = page.bubbles[bubble_index]
    r = page.radius * dpi
    cx, cy = bubble.x * dpi, bubble.y * dpi
    patch, (x0, y0), dx, dy = _patch(image, cx, cy, 1.6 * r)
    dist = np.hypot(dx, dy)
    texture = rng.normal(0, 1, patch.shape)

    if how == "solid":
        reach = r * rng.uniform(0.88, 1.1)
        shade = np.clip(rng.uniform(80, 100) + 18 * texture, 55, 150)
        shade[rng.random(patch.shape) < 0.04] = 165  # paper showing through the graphite
        ink = np.where(dist <= reach, shade, 255)
    elif how == "pen":
        ink = np.where(dist <= r * rng.uniform(0.9, 1.02), 25 + 8 * texture, 255)
    elif how == "half":
        angle = rng.uniform(0, 2 * math.pi)
        side = dx * math.cos(angle) + dy * math.sin(angle)
        reach = r * rng.uniform(0.9, 1.0)
        share = amount if amount is not None else rng.uniform(0.33, 0.42)
        cut = _chord(share) * DISC * r  # the chord leaving `share` of the read disc
        inside = (dist <= reach) & (side >= cut)
        ink = np.where(inside, np.clip(90 + 18 * texture, 55, 150), 255)
    elif how == "check":
        flip = rng.choice([-1, 1])
        points = [(-0.55 * r * flip, 0.0), (-0.1 * r * flip, 0.5 * r), (0.6 * r * flip, -0.65 * r)]
        near = np.minimum(
            _segment_distance(dx, dy, points[0], points[1]),
            _segment_distance(dx, dy, points[1], points[2]),
        )
        ink = np.where(near <= 0.16 * r, np.clip(95 + 18 * texture, 55, 150), 255)
    elif how == "erased":
        blob = dist <= r * rng.uniform(1.05, 1.3)
        ink = np.where(blob, np.clip(rng.uniform(203, 222) + 5 * texture, 195, 235), 255)
    else:  # light
        off = rng.uniform(-0.35, 0.35, 2) * r
        dot = np.hypot(dx - off[0], dy - off[1]) <= 0.2 * r
        ink = np.where(dot, np.clip(150 + 15 * texture, 120, 185), 255)

    merged = np.minimum(patch, ink)
    image.paste(Image.fromarray(np.clip(merged, 0, 255).astype(np.uint8), "L"), (x0, y0))
    return float((ink < 190)[dist <= DISC * r].mean())


def distort(
    image: Image.Image,
    rng: np.random.Generator,
    angle: float = 5.0,
    shift: float = 0.2,
    scale: float = 0.03,
    noise: float = 6.0,
    jpeg_quality: int | None = None,
    upside_down: bool = False,
    blur: float = 0.6,
    pad: float = 0.4,
    dpi: int | None = None,
    exact: bool = False,
) -> Image.Image:
    """The page as a scanner might return it: turned by up to `angle` degrees, shifted by
    up to `shift` inches, scaled by up to `scale` (a fraction), on a scanner bed `pad`
    inches wider on each side, blurred, with gray paper and toner, Gaussian noise of
    `noise` gray levels, optionally JPEG-compressed and turned 180 degrees. With
    `exact`, the angle, shift (both ways) and scale are used as given, not as limits.

    The returned image's info["to_pixels"] is the true 3x3 map from page inches to its
    pixels, for tests to compare with what the reader found."""
    dpi = dpi or round(image.info.get("dpi", (200, 200))[0])
    if exact:
        turn, factor, move = angle, 1 + scale, np.array([shift, shift]) * dpi
    else:
        turn, factor = rng.uniform(-angle, angle), 1 + rng.uniform(-scale, scale)
        move = rng.uniform(-shift, shift, 2) * dpi
    theta = math.radians(turn) + (math.pi if upside_down else 0.0)
    pad_px = round(pad * dpi)
    out_w, out_h = image.width + 2 * pad_px, image.height + 2 * pad_px

    # page pixel p -> output pixel: rotate and scale about the page centre, then move
    c, s = math.cos(theta) * factor, math.sin(theta) * factor
    centre = np.array([image.width / 2, image.height / 2])
    out_centre = np.array([out_w / 2, out_h / 2]) + move
    forward = np.array(
        [
            [c, -s, out_centre[0] - (c * centre[0] - s * centre[1])],
            [s, c, out_centre[1] - (s * centre[0] + c * centre[1])],
            [0, 0, 1],
        ]
    )
    inverse = np.linalg.inv(forward)
    bed = 255
    out = image.transform(
        (out_w, out_h),
        Image.Transform.AFFINE,
        tuple(inverse[:2].ravel()),
        resample=Image.Resampling.BILINEAR,
        fillcolor=bed,
    )
    if blur:
        out = out.filter(ImageFilter.GaussianBlur(blur))
    pixels = np.asarray(out, dtype=np.float64)
    white, black = rng.uniform(228, 250), rng.uniform(15, 40)
    pixels = black + pixels * (white - black) / 255
    # uneven lighting across the bed, a few gray levels
    ys, xs = np.mgrid[0:out_h, 0:out_w]
    pixels -= rng.uniform(0, 8) * (xs / out_w) + rng.uniform(0, 8) * (ys / out_h)
    if noise:
        pixels += rng.normal(0, noise, pixels.shape)
    out = Image.fromarray(np.clip(np.rint(pixels), 0, 255).astype(np.uint8), "L")
    if jpeg_quality:
        buffer = io.BytesIO()
        out.save(buffer, "JPEG", quality=jpeg_quality)
        out = Image.open(io.BytesIO(buffer.getvalue()))
        out.load()
        out = out.convert("L")
    to_pixels = forward @ np.diag([dpi, dpi, 1.0])
    out.info["to_pixels"] = to_pixels
    out.info["dpi"] = (dpi, dpi)
    return out
