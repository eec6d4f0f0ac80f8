"""Pictures of every page, to look at a layout change before and after (issue 14).

Builds the sample lessons and the hard fixture lessons (tests/fixture_lessons.py), in
regular and large print, into a scratch project, and turns each page into a PNG with
poppler's `pdftoppm` (plus one contact sheet per PDF, OUT/NAME.png); one line per PDF
gives its page count and how full each page is (how far down the body's ink reaches).
Run it on two checkouts and compare the folders:

    python benchmarks/pages.py --out /tmp/pages-after
    (cd /tmp/old-checkout && python benchmarks/pages.py --out /tmp/pages-before)

It uses the `lessonpack` importable from where it is run (the checkout's `builder`).
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def make_project(project: Path) -> None:
    """The sample lessons and bundle, and the fixture lessons of tests/fixture_lessons.py
    (for a checkout older than that file, copy it into the checkout's tests/ first)."""
    shutil.copytree(ROOT / "lessons", project / "lessons")
    sys.path.insert(0, str(ROOT / "tests"))
    from fixture_lessons import FIXTURES, write_fixture

    for name in FIXTURES:
        write_fixture(project, name)


def fullness(pages: list[Path]) -> list[int]:
    """Per page picture, the percentage of the page height above the lowest ink of the
    body (writing lines count; the footer, in the bottom 0.6 in, does not)."""
    from PIL import Image  # WeasyPrint's own dependency

    result = []
    for page in pages:
        image = Image.open(page).convert("L")
        body = image.height - round(0.6 / 11 * image.height)  # Letter-ish: close enough
        darkest = [image.crop((0, y, image.width, y + 1)).getextrema()[0] for y in range(body)]
        inked = [y for y, value in enumerate(darkest) if value < 250]  # any grey
        result.append(round(100 * (max(inked, default=0) + 1) / image.height))
    return result


def contact_sheet(pages: list[Path], target: Path, per_row: int = 8) -> None:
    """The pages side by side, eight to a row, on grey: one picture to look at per PDF."""
    from PIL import Image  # WeasyPrint's own dependency

    images = [Image.open(page) for page in pages]
    width, height = max(i.width for i in images), max(i.height for i in images)
    rows = -(-len(images) // per_row)
    columns = min(per_row, len(images))
    sheet = Image.new("RGB", (columns * (width + 8) + 8, rows * (height + 8) + 8), "#888")
    for n, image in enumerate(images):
        sheet.paste(image, (8 + (n % per_row) * (width + 8), 8 + (n // per_row) * (height + 8)))
    sheet.save(target)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    out = args.out.resolve()
    shutil.rmtree(out, ignore_errors=True)
    project = out / "project"
    make_project(project)
    for extra in ([], ["--large-print"]):
        command = [sys.executable, "-m", "builder", "build", "--force", *extra]
        subprocess.run(command, cwd=project, check=False, capture_output=True)
        bundle = [*command, "lessons/cold-war-week3.bundle.yaml"]
        subprocess.run(bundle, cwd=project, check=False, capture_output=True)
    pictures = out / "pictures"
    pictures.mkdir()
    for pdf in sorted((project / "dist").rglob("*.pdf")):
        name = pdf.stem
        subprocess.run(["pdftoppm", "-png", "-r", "40", str(pdf), str(pictures / name)], check=True)
        images = sorted(pictures.glob(f"{name}-[0-9]*.png"))
        contact_sheet(images, out / f"{name}.png")
        full = fullness(images)
        print(f"{name}: {len(full)} pages, filled to {' '.join(f'{p}%' for p in full)}")


if __name__ == "__main__":
    main()
