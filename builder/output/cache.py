"""The build cache: a rebuild renders only what changed since the last build.

A teacher rebuilds dozens of times an evening and usually changed one lesson. Each
group of documents (a lesson in one layout, plan.Group) and each bundle's combined
files are stored under a key hashing everything they depend on (fingerprints.py), so a
changed input rebuilds exactly the outputs that depend on it.

Entries are checked before use (format, key, a hash of every file); one that does
not check out is ignored and rebuilt, never trusted. Each slot (one lesson in one
layout, say) keeps only its two newest entries, so the cache does not grow with edits.

    DIR/.lessonpack-cache/CACHEDIR.TAG       backup tools skip the folder
    DIR/.lessonpack-cache/entries/<slot>/<key>/meta.json, 0, 1, ...
    DIR/.lessonpack-cache/last-build.json    the no-op fast path (manifest.py)
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problem
from .fingerprints import FORMAT
from .outputs import Made

log = logging.getLogger(__name__)

CACHE_DIR = ".lessonpack-cache"
KEEP_PER_SLOT = 2
TAG = "Signature: 8a477f597d28d172789f06886806bc55\n# lessonpack's build cache; safe to delete.\n"


@dataclass
class Entry:
    """What a cached unit produced: its files by output name, and its layout warnings."""

    files: dict[str, bytes] = field(default_factory=dict)  # output name (with extension)
    pages: dict[str, int] = field(default_factory=dict)  # PDFs only
    warnings: list[Problem] = field(default_factory=list)
    needs: dict[str, list[str]] = field(default_factory=dict)  # options a file needs (write.py)
    made: dict[str, Made] = field(default_factory=dict)  # what each file is

    def add(self, made: Made, extension: str, data: bytes, pages: int | None = None) -> str:
        """Add the file `made` describes; returns its name."""
        name = made.name(extension)
        self.files[name] = data
        self.made[name] = made
        if pages is not None:
            self.pages[name] = pages
        return name


class BuildCache:
    """The cache folder inside an output folder. `enabled=False` (--force) reads nothing
    but still writes, so the next build is fast again."""

    def __init__(self, out_dir: Path, enabled: bool = True):
        self.folder = out_dir / CACHE_DIR
        self.enabled = enabled

    def get(self, slot: str, key: str, root: Path) -> Entry | None:
        """The entry stored under `key`, or None if absent, stale, foreign or corrupt."""
        if not self.enabled:
            return None
        folder = self._slot(slot) / key
        try:
            if folder.is_symlink() or not folder.is_dir():
                return None
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            if meta.get("format") != FORMAT or meta.get("key") != key:
                return None
            entry = Entry()
            for index, item in enumerate(meta["files"]):
                blob = folder / str(index)
                if blob.is_symlink():
                    return None
                data = blob.read_bytes()
                if hashlib.sha256(data).hexdigest() != item["sha256"]:
                    return None
                entry.files[str(item["name"])] = data
                if item.get("pages") is not None:
                    entry.pages[str(item["name"])] = int(item["pages"])
                if item.get("needs"):
                    entry.needs[str(item["name"])] = [str(n) for n in item["needs"]]
                if item.get("made"):
                    entry.made[str(item["name"])] = Made.from_dict(item["made"])
            entry.warnings = [Problem.from_plain(p, root) for p in meta["warnings"]]
        except (OSError, ValueError, KeyError, TypeError, AttributeError):
            log.info("ignoring a damaged cache entry: %s", folder)
            return None
        os.utime(folder)  # last use: pruning keeps the newest
        return entry

    def put(self, slot: str, key: str, entry: Entry, root: Path) -> None:
        """Store an entry atomically (a crash leaves no half-written entry); best effort."""
        slot_folder = self._slot(slot)
        try:
            self._ensure_folder()
            slot_folder.mkdir(parents=True, exist_ok=True)
            staging = Path(tempfile.mkdtemp(prefix=".new-", dir=slot_folder))
            files = []
            for index, (name, data) in enumerate(entry.files.items()):
                (staging / str(index)).write_bytes(data)
                files.append(
                    {
                        "name": name,
                        "sha256": hashlib.sha256(data).hexdigest(),
                        "pages": entry.pages.get(name),
                        "needs": entry.needs.get(name, []),
                        "made": made.as_dict() if (made := entry.made.get(name)) else None,
                    }
                )
            meta = {
                "format": FORMAT,
                "key": key,
                "files": files,
                "warnings": [p.to_plain(root) for p in entry.warnings],
            }
            (staging / "meta.json").write_text(json.dumps(meta), encoding="utf-8")
            target = slot_folder / key
            if target.exists():
                shutil.rmtree(target, ignore_errors=True)
            os.replace(staging, target)
            self._prune(slot_folder)
        except OSError as exc:  # a full disk must not fail the build: the cache is optional
            log.warning("could not write the build cache (%s); the next build will be slower", exc)

    def _slot(self, slot: str) -> Path:
        return self.folder / "entries" / hashlib.sha256(slot.encode()).hexdigest()[:24]

    def _ensure_folder(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)
        tag = self.folder / "CACHEDIR.TAG"
        if not tag.exists():
            tag.write_text(TAG, encoding="utf-8")

    def _prune(self, slot_folder: Path) -> None:
        entries = sorted(
            (p for p in slot_folder.iterdir() if not p.name.startswith(".new-")),
            key=lambda p: p.stat().st_mtime_ns,
            reverse=True,
        )
        for old in entries[KEEP_PER_SLOT:]:
            shutil.rmtree(old, ignore_errors=True)
        for stale in slot_folder.glob(".new-*"):  # left by a crashed build
            if stale.stat().st_mtime < time.time() - 3600:
                shutil.rmtree(stale, ignore_errors=True)


class Renders:
    """Small PDFs laid out for a bundle — its cover, its packet page numbers — by a hash
    of what they show, kept between builds: a packet joined again after an edit that
    changed no page count lays out nothing. Each file holds its own hash and is checked."""

    KEEP = 200

    def __init__(self, cache: BuildCache):
        self.folder = cache.folder / "renders"
        self.enabled = cache.enabled

    def get(self, key: str) -> bytes | None:
        path = self.folder / key
        if not self.enabled or path.is_symlink():
            return None
        try:
            raw = path.read_bytes()
        except OSError:
            return None
        digest, _, data = raw.partition(b"\n")
        if hashlib.sha256(data).hexdigest().encode() != digest:
            return None
        os.utime(path)
        return data

    def put(self, key: str, data: bytes) -> None:
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            temporary = self.folder / f".{key}.new"
            temporary.write_bytes(hashlib.sha256(data).hexdigest().encode() + b"\n" + data)
            os.replace(temporary, self.folder / key)
            kept = sorted(self.folder.iterdir(), key=lambda p: p.stat().st_mtime_ns)
            for old in kept[: -self.KEEP]:
                old.unlink(missing_ok=True)
        except OSError as exc:
            log.warning("could not keep a bundle render in the cache: %s", exc)
