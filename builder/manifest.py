"""The no-op rebuild: when nothing changed, say so without loading a single lesson.

After each successful build, `last-build.json` in the cache folder records the
request (the options and the lessons and bundles found), every file the build read
with its size, modification time and hash, the templates and styles present, every
output with its size and modification time, and the warnings it printed. The next
build of the same request compares that with the disk: if every input and output is
as recorded, the outputs cannot differ, so it reports them up to date without
importing pydantic or WeasyPrint. Anything else — a changed or new file, a touched
output, a manifest that does not read back cleanly — means the full build, which
still skips unchanged documents through the cache.
"""

from __future__ import annotations

import json
import logging
import os
from dataclasses import dataclass
from pathlib import Path

from .errors import Problem
from .keys import FORMAT, code_fingerprint, digest, file_digest, theme_files

log = logging.getLogger(__name__)

MANIFEST = "last-build.json"


@dataclass
class Recorded:
    outputs: list[tuple[Path, int | None]]  # path, pages
    warnings: list[Problem]


def request_key(options: dict, folders: list[Path], bundles: list[Path]) -> str:
    return digest(
        "request",
        code_fingerprint(),
        options,
        [str(f) for f in folders],
        [str(b) for b in bundles],
    )


def unchanged(cache_folder: Path, request: str) -> Recorded | None:
    """The last build's outputs if it was this request and nothing changed since."""
    try:
        data = json.loads((cache_folder / MANIFEST).read_text(encoding="utf-8"))
        if data.get("format") != FORMAT or data.get("request") != request:
            return None
        for path, (mtime, size, sha) in data["inputs"].items():
            if not _same_file(Path(path), mtime, size, sha):
                return None
        for root, files in data["themes"].items():
            if sorted(str(p) for p in theme_files(Path(root))) != files:
                return None
        outputs = []
        for path, (mtime, size, pages) in data["outputs"].items():
            stat = os.stat(path)
            if (stat.st_mtime_ns, stat.st_size) != (mtime, size):
                return None
            outputs.append((Path(path), pages))
        warnings = [Problem.from_plain(p) for p in data["warnings"]]
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return Recorded(outputs, warnings)


def record(
    cache_folder: Path,
    request: str,
    inputs: list[Path],
    roots: list[Path],
    outputs: list[tuple[Path, int | None]],
    warnings: list[Problem],
) -> None:
    """Write the manifest of a successful build (best effort: it only saves time)."""
    try:
        data = {
            "format": FORMAT,
            "request": request,
            "inputs": {str(p): _stamp(p) for p in sorted(set(inputs))},
            "themes": {str(r): sorted(str(p) for p in theme_files(r)) for r in set(roots)},
            "outputs": {str(p): [*_stat(p), pages] for p, pages in outputs},
            "warnings": [p.to_plain() for p in warnings],
        }
        cache_folder.mkdir(parents=True, exist_ok=True)
        temporary = cache_folder / f".{MANIFEST}.new"
        temporary.write_text(json.dumps(data), encoding="utf-8")
        os.replace(temporary, cache_folder / MANIFEST)
    except OSError as exc:
        log.warning("could not record the build for the next no-op rebuild: %s", exc)


def _stat(path: Path) -> tuple[int, int]:
    stat = os.stat(path)
    return stat.st_mtime_ns, stat.st_size


def _stamp(path: Path) -> list:
    try:
        return [*_stat(path), file_digest(path)]
    except OSError:
        return [0, -1, ""]  # missing: it must still be missing next time


def _same_file(path: Path, mtime: int, size: int, sha: str) -> bool:
    try:
        stat = os.stat(path)
    except OSError:
        return size == -1
    if (stat.st_mtime_ns, stat.st_size) == (mtime, size):
        return True
    return stat.st_size == size and file_digest(path) == sha  # touched, not changed
