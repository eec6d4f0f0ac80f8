"""The scan reader of `lessonpack grade`: pages drawn from the sheet's geometry
(scanfake.py), marked the ways students mark, and scanned badly (skewed, rescaled,
shifted, noisy, JPEG, upside down) must give back their QR text, their corner squares
within 0.02 in, and each bubble's fill on the right side of the grading thresholds
(>= 0.5 a mark, < 0.2 empty, between unclear). Also the scan files: PDFs, multi-page
TIFFs, files and pages over the limits, and files that are not scans at all.

Run as a script (`python tests/test_grade_read.py`) it prints the fill values seen for
each kind of mark across every case, and the time one page's read takes.
"""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pytest
import scanfake
from PIL import Image

from builder.grade import read, scans
from builder.grade.geometry import apply
from builder.grade.layout import SQUARE

MARK, EMPTY = 0.5, 0.2
EXPECTED = {
    "solid": "mark",
    "pen": "mark",
    "half": "unclear",
    "check": "unclear",
    "erased": "empty",
    "light": "empty",
    "clean": "empty",
}
TEXT = "LP1;cuban-missile-crisis;student;3f9a2c1e;{page}/2;{size}"

# (dpi, distortion) for the regular-print pages; large print and A4 get a few of them
DISTORTIONS = {
    "as drawn": dict(angle=0, shift=0, scale=0, noise=0, blur=0),
    "random": dict(),
    "+5 deg, +3 %": dict(angle=5, shift=0.2, scale=0.03, exact=True),
    "-5 deg, -3 %": dict(angle=-5, shift=-0.2, scale=-0.03, exact=True),
    "jpeg 60, noisy": dict(noise=10, jpeg_quality=60),
    "upside down": dict(upside_down=True, jpeg_quality=75),
    "printed at 94 %": dict(angle=1, shift=0.1, scale=-0.06, exact=True),
}
CASES = [
    (paper, large, page, dpi, name)
    for page in (0, 1)
    for dpi in (150, 200, 300)
    for name in DISTORTIONS
    for paper, large in [("letter", False)]
] + [
    (paper, large, page, 200, name)
    for page in (0, 1)
    for name in ("random", "-5 deg, -3 %", "upside down")
    for paper, large in [("letter", True), ("a4", False)]
]


def classify(value: float) -> str:
    return "mark" if value >= MARK else "empty" if value < EMPTY else "unclear"


def mark_pattern(page, salt: int = 0) -> dict[int, str]:
    """One marked bubble in each row, every kind of mark in turn, the rest left clean."""
    hows: dict[int, str] = {}
    seen: dict[int, list[int]] = {}
    for index, bubble in enumerate(page.bubbles):
        seen.setdefault(bubble.row, []).append(index)
    for row, indices in seen.items():
        hows[indices[(row + salt) % len(indices)]] = scanfake.HOWS[(row + salt) % 6]
    return hows


def scanned(paper, large, page_index, dpi, name, hows=None, seed=0):
    page = scanfake.sample_pages(large, paper)[page_index]
    text = TEXT.format(page=page_index + 1, size="large" if large else "regular")
    image = scanfake.draw_page(page, text, dpi)
    if hows is None:
        hows = mark_pattern(page, salt=dpi + page_index)
    truth = {index: scanfake.mark(image, page, dpi, index, how) for index, how in hows.items()}
    rng = np.random.default_rng(seed + dpi)
    scan = scanfake.distort(image, rng, **DISTORTIONS[name])
    scan.info["truth"] = truth  # the share of each marked disc the mark darkens
    return page, text, hows, scan


def read_page(scan, page):
    code = read.find_code(scan)
    assert code is not None, "the QR code was not read"
    to_pixels = read.locate(scan, page, code[1])
    return code[0], to_pixels, read.fills(scan, page, to_pixels)


def misplaced(page, found, true, dpi) -> float:
    """The largest distance, in inches, between where the found and the true map put
    the corner squares and the bubbles."""
    points = np.array(list(page.squares) + [(b.x, b.y) for b in page.bubbles])
    return float(np.hypot(*(apply(found, points) - apply(true, points)).T).max()) / dpi


def wrong_fills(page, hows, values) -> list[str]:
    wrong = []
    for index, value in enumerate(values):
        how = hows.get(index, "clean")
        if classify(value) != EXPECTED[how]:
            bubble = page.bubbles[index]
            wrong.append(f"{page.rows[bubble.row].label}{bubble.value} {how} read {value:.2f}")
    return wrong


@pytest.mark.parametrize(("paper", "large", "page_index", "dpi", "name"), CASES)
def test_a_scanned_page_reads_back(paper, large, page_index, dpi, name):
    page, text, hows, scan = scanned(paper, large, page_index, dpi, name)
    found_text, to_pixels, values = read_page(scan, page)
    assert found_text == text
    assert misplaced(page, to_pixels, scan.info["to_pixels"], dpi) < 0.02
    assert len(values) == len(page.bubbles)
    assert set(hows.values()) >= set(scanfake.HOWS) - {"half", "check"} or len(hows) < 6
    assert wrong_fills(page, hows, values) == []


@pytest.mark.parametrize("turn", [90, 270])
def test_a_page_scanned_sideways_reads_back(turn):
    page, text, hows, scan = scanned("letter", False, 1, 200, "random")
    sideways = scan.rotate(turn, expand=True)
    found_text, to_pixels, values = read_page(sideways, page)
    assert found_text == text
    # PIL turns counter-clockwise: (x, y) -> (y, W - x) for 90, (H - y, x) for 270
    w, h = scan.size
    turned = {90: [[0, 1, 0], [-1, 0, w], [0, 0, 1]], 270: [[0, -1, h], [1, 0, 0], [0, 0, 1]]}
    true = np.array(turned[turn], dtype=float) @ scan.info["to_pixels"]
    assert misplaced(page, to_pixels, true, 200) < 0.02
    assert wrong_fills(page, hows, values) == []


def test_a_student_who_fills_many_bubbles_is_read_right():
    """Every "T" and every "A" filled, so the least dark "T" is a filled one: the label's
    share must not be taken from it."""
    page = scanfake.sample_pages()[0]
    hows = {i: "solid" for i, b in enumerate(page.bubbles) if b.value in ("T", "A")}
    hows.update({i: "check" for i, b in enumerate(page.bubbles) if b.value == "B" and i % 3 == 0})
    hows.update({i: "half" for i, b in enumerate(page.bubbles) if b.value == "C" and i % 3 == 0})
    _, _, _, scan = scanned("letter", False, 0, 200, "random", hows=hows)
    _, _, values = read_page(scan, page)
    assert wrong_fills(page, hows, values) == []


def test_a_page_with_every_bubble_filled_reads_all_marks():
    page = scanfake.sample_pages()[1]
    hows = {i: "solid" for i in range(len(page.bubbles))}
    _, _, _, scan = scanned("letter", False, 1, 200, "random", hows=hows)
    _, _, values = read_page(scan, page)
    assert min(values) >= MARK


def test_marks_on_labels_printed_once_are_not_taken_for_the_label():
    """ "7", "10", "20" appear once on the second page: with nothing to compare them
    with, a partial mark there must still read unclear and a full one a mark."""
    page = scanfake.sample_pages()[1]
    once = [i for i, b in enumerate(page.bubbles) if b.value in ("7", "8", "9", "10", "20")]
    for hows_cycle in (("check", "half", "solid", "pen", "erased"), ("half", "solid", "check")):
        hows = {i: hows_cycle[k % len(hows_cycle)] for k, i in enumerate(once)}
        _, _, _, scan = scanned("letter", False, 1, 200, "random", hows=hows)
        _, _, values = read_page(scan, page)
        assert wrong_fills(page, hows, values) == []


def test_a_blanked_qr_code_is_not_found():
    page = scanfake.sample_pages()[0]
    image = scanfake.draw_page(page, "LP1;x", 200)
    left, top, size = page.qr_box
    image.paste(255, tuple(round(v * 200) for v in (left, top, left + size, top + size)))
    scan = scanfake.distort(image, np.random.default_rng(3))
    assert read.find_code(scan) is None


def test_a_faint_noisy_scan_still_gives_its_code():
    page = scanfake.sample_pages()[0]
    image = scanfake.draw_page(page, "LP1;faint", 200)
    faint = Image.fromarray((175 + np.asarray(image, dtype=np.float64) * 0.25).astype(np.uint8))
    faint.info["dpi"] = (200, 200)
    scan = scanfake.distort(faint, np.random.default_rng(4), noise=7, jpeg_quality=60)
    code = read.find_code(scan)
    assert code is not None and code[0] == "LP1;faint"


@pytest.mark.parametrize("corner", range(4))
def test_a_covered_corner_square_is_reported(corner):
    page = scanfake.sample_pages()[0]
    image = scanfake.draw_page(page, "LP1;x", 200)
    x, y = page.squares[corner]
    reach = SQUARE / 2 + 0.03
    image.paste(255, tuple(round(v * 200) for v in (x - reach, y - reach, x + reach, y + reach)))
    scan = scanfake.distort(image, np.random.default_rng(5))
    code = read.find_code(scan)
    names = ("top-left", "top-right", "bottom-right", "bottom-left")
    with pytest.raises(read.NotFound, match=names[corner]):
        read.locate(scan, page, code[1])


def test_a_square_inside_a_dark_shape_is_not_taken_for_the_corner_square():
    """A dark scanner-lid edge or a thumb over the corner is not the square."""
    page = scanfake.sample_pages()[0]
    image = scanfake.draw_page(page, "LP1;x", 200)
    image.paste(0, (0, 1900, 400, 2200))  # over the bottom-left square and around it
    scan = scanfake.distort(image, np.random.default_rng(6))
    with pytest.raises(read.NotFound, match="bottom-left"):
        read.locate(scan, page, read.find_code(scan)[1])


def test_a_code_from_another_sheet_does_not_fit():
    """Squares found, but the QR code is not where this page's layout puts it (a page
    of another format, or a code pasted on): the fit is refused."""
    page = scanfake.sample_pages()[0]
    scan = scanfake.draw_page(page, "LP1;x", 200)
    corners = read.find_code(scan)[1] + np.array([0.0, 0.3 * 200])  # 0.3 in lower
    with pytest.raises(read.NotFound):
        read.locate(scan, page, corners)


def test_straighten_puts_the_paper_upright():
    page = scanfake.sample_pages()[0]
    hows = {0: "pen", 5: "solid"}
    _, _, _, scan = scanned("letter", False, 0, 200, "upside down", hows=hows)
    _, to_pixels, _ = read_page(scan, page)
    flat = read.straighten(scan, page, to_pixels, dpi=100)
    assert flat.mode == "L" and flat.size == (850, 1100)
    pixels = np.asarray(flat)

    def at(x, y):
        return pixels[round(y * 100), round(x * 100)]

    for x, y in page.squares:
        assert at(x, y) < 80
        assert at(x + 0.3, y + 0.3) > 150  # paper beside it, so the square is in place
    assert at(page.bubbles[0].x, page.bubbles[0].y) < 80
    assert at(page.bubbles[5].x + 0.05, page.bubbles[5].y + 0.05) < 150
    assert at(page.bubbles[1].x + 0.05, page.bubbles[1].y + 0.05) > 150


def test_the_three_rings_tell_apart_in_gray():
    page = scanfake.sample_pages()[0]
    dpi = 100
    blank = Image.new("L", (850, 1100), 255)
    marks = {}
    for index, style in enumerate(read.RING_STYLES):
        image = read.ring(blank.copy(), page, dpi, index * 5, style)
        drawn = np.asarray(image) < 250
        bubble = page.bubbles[index * 5]
        ys, xs = np.nonzero(drawn)
        radius = np.hypot(xs + 0.5 - bubble.x * dpi, ys + 0.5 - bubble.y * dpi)
        marks[style] = dict(
            gray=float(np.median(np.asarray(image)[drawn])),
            spread=float(radius.max() - radius.min()),  # a square's corners sit further out
            pixels=int(drawn.sum()),
        )
    correct, wrong, unclear = marks["correct"], marks["wrong"], marks["unclear"]
    assert correct["gray"] < 40
    assert wrong["gray"] - correct["gray"] >= 60 and unclear["gray"] - wrong["gray"] >= 60
    assert wrong["spread"] > correct["spread"] + 0.03 * dpi  # a box, not a circle
    assert unclear["pixels"] < correct["pixels"]  # dotted, though wider


# --- scan files ---------------------------------------------------------------------------


def _sheet(dpi=100, text="LP1;file"):
    page = scanfake.sample_pages()[0]
    return page, scanfake.draw_page(page, text, dpi)


def test_a_multi_page_tiff_gives_each_page(tmp_path):
    _, image = _sheet()
    path = tmp_path / "stack.tif"
    others = [image.convert("1"), image.convert("RGB").rotate(180)]
    image.save(path, save_all=True, append_images=others, compression="tiff_deflate")
    pages, problems = scans.scan_pages([path])
    assert problems == []
    assert [(p.path, p.number) for p in pages] == [(path, 1), (path, 2), (path, 3)]
    for p in pages:
        loaded = scans.load_image(p)
        assert loaded.mode == "L" and loaded.size == image.size
        code = read.find_code(loaded)
        assert code is not None and code[0] == "LP1;file"


def test_a_pdf_gives_each_page_at_200_dpi(tmp_path):
    _, image = _sheet(dpi=100)
    path = tmp_path / "scans.pdf"
    image.convert("RGB").save(
        path, save_all=True, append_images=[image.convert("RGB")], resolution=100
    )
    pages, problems = scans.scan_pages([path])
    assert problems == [] and [p.number for p in pages] == [1, 2]
    loaded = scans.load_image(pages[1])
    assert loaded.mode == "L" and loaded.size == (1700, 2200)
    assert scanfake.page_images(path.read_bytes(), 50)[0].size == (425, 550)


def test_the_path_as_given_is_kept_for_messages(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _, image = _sheet()
    image.save("scan.png")
    pages, _ = scans.scan_pages([Path("scan.png")])
    assert pages[0].given == "scan.png"


def test_files_that_are_not_scans_are_problems_not_crashes(tmp_path):
    text = tmp_path / "notes.pdf"
    text.write_text("these are my notes, not a PDF\n")
    fake_pdf = tmp_path / "broken.pdf"
    fake_pdf.write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    png_head = tmp_path / "cut.png"
    png_head.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    gif = tmp_path / "scan.gif"
    Image.new("L", (20, 20), 255).save(gif)
    missing = tmp_path / "missing.tif"
    pages, problems = scans.scan_pages([text, fake_pdf, png_head, gif, missing, tmp_path])
    assert pages == []
    assert [(p, n) for p, n, _ in problems] == [
        (text, None),
        (fake_pdf, None),
        (png_head, None),
        (gif, None),
        (missing, None),
        (tmp_path, None),
    ]
    messages = [m for _, _, m in problems]
    assert "neither a PDF nor an image" in messages[0]
    assert "PDF" in messages[1]
    assert "GIF" in messages[3]
    assert "no such file" in messages[4]
    assert "folder" in messages[5]


def test_a_damaged_image_fails_when_loaded_with_its_name(tmp_path):
    _, image = _sheet()
    whole = io.BytesIO()
    image.save(whole, "JPEG")
    path = tmp_path / "cut.jpg"
    path.write_bytes(whole.getvalue()[: len(whole.getvalue()) // 2])
    pages, problems = scans.scan_pages([path])
    assert problems == [] and len(pages) == 1  # the header is fine
    with pytest.raises(scans.ScanError, match=r"cut\.jpg, page 1: .*damaged"):
        scans.load_image(pages[0])


def test_a_file_over_500_mb_is_refused_before_it_is_read(tmp_path, monkeypatch):
    path = tmp_path / "huge.pdf"
    with path.open("wb") as handle:  # sparse: takes no disk space
        handle.write(b"%PDF-1.7\n")
        handle.truncate(scans.MAX_FILE_BYTES + 1)
    opened = []
    monkeypatch.setattr(scans, "_is_pdf", lambda p: opened.append(p) or True)
    pages, problems = scans.scan_pages([path])
    assert pages == [] and opened == []
    assert problems[0][:2] == (path, None) and "500 MB" in problems[0][2]
    with pytest.raises(scans.ScanError, match="500 MB"):
        scans.load_image(scans.ScanPage(path, "huge.pdf", 1))


def test_pages_over_60_megapixels_are_refused_before_decoding(tmp_path, monkeypatch):
    big_pdf = tmp_path / "poster.pdf"
    Image.new("L", (100, 100), 255).save(big_pdf, resolution=1)  # a 100 x 100 in page
    big_png = tmp_path / "big.png"
    Image.new("1", (8000, 8000), 1).save(big_png)  # 64 megapixels, a small file
    bomb = tmp_path / "bomb.png"
    Image.new("1", (12000, 12000), 1).save(bomb)  # over twice the limit
    small = tmp_path / "small.png"
    _sheet()[1].save(small)

    decoded = []
    real_load = Image.Image.load
    monkeypatch.setattr(
        Image.Image, "load", lambda self: decoded.append(self.size) or real_load(self)
    )
    pages, problems = scans.scan_pages([big_pdf, big_png, bomb, small])
    assert [(p.path, p.number) for p in pages] == [(small, 1)]
    assert [(p, n) for p, n, _ in problems] == [(big_pdf, 1), (big_png, 1), (bomb, None)]
    assert all("megapixels" in m for _, _, m in problems)
    assert not any(w * h > scans.MAX_PAGE_PIXELS for w, h in decoded)
    for path in (big_pdf, big_png, bomb):
        with pytest.raises(scans.ScanError, match="megapixels"):
            scans.load_image(scans.ScanPage(path, path.name, 1))
    assert not any(w * h > scans.MAX_PAGE_PIXELS for w, h in decoded)


def test_a_scan_saved_as_a_file_reads_end_to_end(tmp_path):
    page, text, hows, scan = scanned("letter", False, 0, 200, "random")
    path = tmp_path / "class.tif"
    scan.save(path, save_all=True, append_images=[scan.rotate(180)])
    pages, problems = scans.scan_pages([path])
    assert problems == [] and len(pages) == 2
    for p in pages:
        image = scans.load_image(p)
        found_text, _, values = read_page(image, page)
        assert found_text == text
        assert wrong_fills(page, hows, values) == []


# --- the sweep and the timing, when run as a script ---------------------------------------


def sweep() -> None:
    """Print the range of fills each kind of mark gets over every case, and the time
    one page's read takes."""
    seen: dict[str, list[float]] = {}
    errors: dict[int, list[float]] = {}
    wrong = 0
    for case in CASES:
        page, _, hows, scan = scanned(*case)
        _, _, values = read_page(scan, page)
        wrong += len(wrong_fills(page, hows, values))
        for index, value in enumerate(values):
            seen.setdefault(hows.get(index, "clean"), []).append(value)
        for index, truth in scan.info["truth"].items():
            if hows[index] in ("half", "check"):
                errors.setdefault(case[3], []).append(values[index] - truth)
    # exactly half the read disc, for comparison with "half" (35-45 %)
    page = scanfake.sample_pages()[0]
    for dpi in (150, 200, 300):
        image = scanfake.draw_page(page, "LP1;x", dpi)
        marked = list(range(0, len(page.bubbles), 3))
        for index in marked:
            scanfake.mark(image, page, dpi, index, "half", amount=0.5)
        scan = scanfake.distort(image, np.random.default_rng(dpi))
        _, _, values = read_page(scan, page)
        seen.setdefault("exactly half", []).extend(values[i] for i in marked)
    print(f"{len(CASES)} cases, {wrong} bubbles on the wrong side of a threshold")
    for dpi, error in sorted(errors.items()):
        error = np.array(error)
        print(
            f"half and check marks at {dpi} dpi: fill - true share {error.mean():+.3f} "
            f"(min {error.min():+.3f}, max {error.max():+.3f}, n={len(error)})"
        )
    for how, values in seen.items():
        values = np.array(values)
        print(
            f"{how:>13}: n={len(values):5d} min {values.min():.3f} max {values.max():.3f}"
            f" median {np.median(values):.3f} >=0.5: {np.mean(values >= MARK):.0%}"
        )

    page = scanfake.sample_pages()[0]
    for dpi in (200, 300):
        _, _, _, scan = scanned("letter", False, 0, dpi, "random")
        times = []
        for _ in range(10):
            start = time.perf_counter()
            read_page(scan, page)
            times.append(time.perf_counter() - start)
        print(
            f"one Letter page at {dpi} dpi: median {np.median(times) * 1000:.0f} ms, "
            f"max {max(times) * 1000:.0f} ms"
        )


if __name__ == "__main__":
    sweep()
