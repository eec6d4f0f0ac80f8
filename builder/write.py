"""The last step: put the built files in the output folder, all or nothing.

Files are first written to a staging folder inside the output folder, then moved into
place with os.replace, so a failed or interrupted build never leaves a partial file
(SPEC §3). A file whose bytes did not change is left alone.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .load import LessonSource


@dataclass
class Output:
    path: Path
    pages: int | None = None  # None for HTML and assets
    up_to_date: bool = False  # already there with the same bytes: not written again


def write_changed(files: dict[str, tuple[bytes, int | None]], out_dir: Path) -> list[Output]:
    """Move the changed files into place through a staging folder; leave the rest alone,
    so a PDF viewer showing an unchanged handout is not disturbed."""
    outputs = []
    out_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".lessonpack-staging-", dir=out_dir))
    try:
        staged = []
        for name, (data, pages) in files.items():
            final = out_dir / name
            if _same_bytes(final, data):
                outputs.append(Output(final, pages, up_to_date=True))
                continue
            path = staging / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(data)
            staged.append((path, final, pages))
        for path, final, pages in staged:
            final.parent.mkdir(parents=True, exist_ok=True)
            os.replace(path, final)
            outputs.append(Output(final, pages))
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return outputs


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False


def assets(lessons: list[LessonSource], large_print: bool) -> dict[str, tuple[bytes, None]]:
    """The stylesheets and images beside each lesson's HTML, so the pages work offline."""
    from .documents import image_asset
    from .sandbox import checked_path
    from .theme import builtin_roots, stylesheet_paths

    files = {}
    for source in lessons:
        roots = [source.root, *builtin_roots()]
        for css in stylesheet_paths(source.root, large_print):
            files[f"{source.slug}/{css.name}"] = (checked_path(css, roots).read_bytes(), None)
        for reading in source.lesson.readings:
            for image in reading.images:
                checked = checked_path(source.folder / image.file, roots)
                files[f"{source.slug}/{image_asset(image.file)}"] = (checked.read_bytes(), None)
    return files
