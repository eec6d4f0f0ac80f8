"""What each output depends on, as a hash: the build cache's keys.

A key must change whenever anything that could change the printed page changes —
the lesson's files and images, the bundle file (its question subsets and class
line), the roster, the project's templates and styles, lessonpack's own code and
the rendering libraries, the fonts installed on the computer, the paper size and
the build options — and must not change otherwise, so an unchanged lesson is never
rendered twice.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
from collections.abc import Iterable
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..project.bundle import BundleSource
    from ..project.lesson import LessonSource
    from .plan import Group

log = logging.getLogger(__name__)

FORMAT = 2  # bump when the meaning of a key or the cache layout changes
LIBRARIES = ("weasyprint", "pydyf", "tinycss2", "jinja2", "markdown", "nh3", "pikepdf", "pydantic")


def digest(*parts: object) -> str:
    """A key from plain parts (strings, numbers, lists, dicts), stable across runs."""
    text = json.dumps(parts, sort_keys=True, default=str, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def file_digest(path: Path) -> str:
    with path.open("rb") as f:
        return hashlib.file_digest(f, "sha256").hexdigest()


def files_digest(paths: Iterable[Path], base: Path) -> list[tuple[str, str]]:
    """(path relative to base, content hash) of each file; a missing file hashes as ''."""
    found = []
    for path in sorted(set(paths)):
        try:
            name = str(path.relative_to(base))
        except ValueError:
            name = str(path)
        try:
            found.append((name, file_digest(path)))
        except OSError:
            found.append((name, ""))
    return found


@cache
def code_fingerprint() -> str:
    """lessonpack's version, code and built-in theme, and the rendering libraries'
    versions: a change to any of them may change every page, so it changes every key."""
    from ..project.files import PACKAGE, builtin_theme_root

    return code_digest(PACKAGE, builtin_theme_root())


def code_digest(package: Path, theme: Path) -> str:
    """code_fingerprint() of the package folder `package` (every module of every stage)
    and the theme folder `theme`."""
    from importlib.metadata import PackageNotFoundError, version

    from .. import __version__

    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = version(name)
        except PackageNotFoundError:
            versions[name] = None
    return digest(
        FORMAT,
        __version__,
        versions,
        files_digest(sorted(package.rglob("*.py")), package),
        files_digest(theme_files(theme), theme),
    )


def theme_files(root: Path) -> list[Path]:
    """The template and style files under `root` (a project or the built-in theme)."""
    files = []
    for folder in ("templates", "styles"):
        for dirpath, dirnames, filenames in os.walk(root / folder):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            files += [Path(dirpath) / f for f in sorted(filenames) if not f.startswith(".")]
    return files


def lesson_files(source: LessonSource) -> list[Path]:
    """Every file a lesson's pages are made from: lesson.yaml, readings, originals, images."""
    files = [source.yaml_path]
    for reading in source.lesson.readings:
        files += [source.folder / f for f in (reading.file, reading.original_file) if f]
        files += [source.folder / image.file for image in reading.images]
    return files


def font_fingerprint() -> str:
    """The fonts WeasyPrint can choose from, as fontconfig sees them right now: a font
    installed or removed changes which glyphs print, so it changes every key.

    Asks fontconfig (the library WeasyPrint's Pango uses, through ctypes: no WeasyPrint
    import) for its configuration files and font folders, then stamps each config file
    and every file under those folders by name, size and modification time — about
    10 ms, and no font is opened. Not cached: a long-running `serve` notices a font
    installed between two builds. '' when fontconfig cannot be asked (fonts unnoticed).
    """
    found = _fontconfig_paths()
    if found is None:
        return ""
    config_files, font_folders = found
    stamps: list[object] = [[path, _stamp(path)] for path in config_files]
    for folder in font_folders:
        stamps.append(folder)
        for dirpath, dirnames, filenames in os.walk(folder):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(f for f in filenames if not f.startswith(".")):
                path = os.path.join(dirpath, name)
                stamps.append([os.path.relpath(path, folder), _stamp(path)])
    return digest("fonts", stamps)


def _stamp(path: str) -> list[int]:
    try:
        stat = os.stat(path)  # follows links: fonts are often linked from elsewhere
    except OSError:
        return []
    return [stat.st_size, stat.st_mtime_ns]


_FONTCONFIG = ("libfontconfig.so.1", "libfontconfig.1.dylib", "libfontconfig-1.dll")


def _fontconfig_paths() -> tuple[list[str], list[str]] | None:
    """(config files, font folders) of fontconfig's configuration as it would load now
    (FONTCONFIG_FILE and FONTCONFIG_PATH included), or None if there is no fontconfig."""
    import ctypes

    library = None
    for name in _FONTCONFIG:
        try:
            library = ctypes.CDLL(name)
            break
        except OSError:
            continue
    if library is None:
        log.debug("fontconfig not found: installed fonts are not part of the cache keys")
        return None
    pointer = ctypes.c_void_p
    library.FcInitLoadConfig.restype = pointer
    library.FcConfigGetConfigFiles.restype = pointer
    library.FcConfigGetConfigFiles.argtypes = [pointer]
    library.FcConfigGetFontDirs.restype = pointer
    library.FcConfigGetFontDirs.argtypes = [pointer]
    library.FcStrListNext.restype = ctypes.c_char_p
    library.FcStrListNext.argtypes = [pointer]
    library.FcStrListDone.argtypes = [pointer]
    library.FcConfigDestroy.argtypes = [pointer]

    def strings(string_list: int | None) -> list[str]:
        found = []
        if string_list:
            while item := library.FcStrListNext(string_list):
                found.append(os.fsdecode(item))
            library.FcStrListDone(string_list)
        return found

    config = library.FcInitLoadConfig()  # parses the configuration; scans no fonts
    if not config:
        return None
    try:
        return (
            strings(library.FcConfigGetConfigFiles(config)),
            strings(library.FcConfigGetFontDirs(config)),
        )
    finally:
        library.FcConfigDestroy(config)


class WithFonts:
    """A store of laid-out renders (cache.Renders: get(key), put(key, data)) looked up by
    what they show (render/stamps.remembered's `parts`); the keys also hash lessonpack's
    code and the installed fonts, so a bundle's cover is laid out again after either
    changed."""

    def __init__(self, store, fonts: str) -> None:
        self.store, self.fonts = store, fonts

    def _key(self, parts: tuple) -> str:
        return digest(digest(code_fingerprint(), *parts), self.fonts)

    def get(self, parts: tuple) -> bytes | None:
        return self.store.get(self._key(parts))

    def put(self, parts: tuple, data: bytes) -> None:
        self.store.put(self._key(parts), data)


class Themes:
    """Theme folders' files_digest, each hashed once however many lessons use it. Keep
    one for a build (or a render run), not longer: the teacher may edit a template."""

    def __init__(self) -> None:
        self._digests: dict[Path, list] = {}

    def __call__(self, root: Path) -> list:
        if root not in self._digests:
            self._digests[root] = files_digest(theme_files(root), root)
        return self._digests[root]


class Keys:
    """Keys for one build; a project's theme is hashed once however many lessons use it,
    the installed fonts once per build (`fonts`: font_fingerprint(), if already known)."""

    def __init__(self, fonts: str | None = None) -> None:
        self.theme = Themes()
        self.fonts = font_fingerprint() if fonts is None else fonts

    def group(self, group: Group) -> str:
        source = group.source
        return digest(
            "group",
            code_fingerprint(),
            self.fonts,
            self.theme(source.root),
            files_digest(lesson_files(source), source.folder),
            _bundle_file(group.bundle_path),
            [group.layout.paper, group.layout.large_print],
            group.versions,
            group.seed,
            group.key,
            group.html,
            group.folder,
            group.header,
        )

    def packets(self, bundle: BundleSource, group_keys: list[str], key: bool, slot: str) -> str:
        roster = bundle.path.parent / bundle.bundle.roster if bundle.bundle.roster else None
        return digest(
            "packets",
            code_fingerprint(),
            self.fonts,
            self.theme(bundle.root),
            _bundle_file(bundle.path),
            _bundle_file(roster),
            group_keys,
            key,
            slot,
        )


def _bundle_file(path: Path | None) -> str:
    if path is None:
        return ""
    try:
        return file_digest(path)
    except OSError:
        return ""


def group_slot(group: Group) -> str:
    """Which output a group's entries belong to: newer entries replace older ones."""
    layout = group.layout
    return f"group:{group.folder}/{group.source.slug}{layout.suffix}:{layout.paper}"


def packets_slot(bundle: BundleSource, paper: str, large_print: bool) -> str:
    return f"packets:{bundle.name}:{paper}:{large_print}"
