"""The whole build: load -> validate -> assemble -> HTML -> PDF -> combine -> write.

Everything is gathered before anything is written: every lesson and bundle is loaded
and validated first (all problems reported together), then every document is made —
from the build cache when its inputs are unchanged (cache.py, fingerprints.py), otherwise
rendered on every core (workers.py) — and only when all of them succeeded are the
changed files moved into place through a staging folder (SPEC §3); then the files an
earlier build made for the same lessons and bundles that this build no longer makes
are removed (write.remove_stale). A failed build leaves earlier outputs exactly as
they were; a rebuild where nothing changed stops after comparing file stamps
(manifest.py).
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from concurrent.futures import Executor
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import LessonError, Problem, errors_in
from ..letters import version_letters
from ..project.discover import Loaded, find_inputs, load_all, load_found
from ..project.paper_names import DEFAULT_PAPER
from .outputs import Sheet
from .write import Output, OutputFile, assets, remove_stale, write_changed

if TYPE_CHECKING:  # rendering modules load only when something is rendered (fast `check`)
    from ..project.bundle import BundleSource
    from ..project.lesson import LessonSource
    from .cache import BuildCache, Entry
    from .plan import Group, Layout
    from .workers import Progress

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class BuildOptions:
    out_dir: Path = Path("dist")
    paper: str | None = None  # None: a bundle's own paper, else Letter
    key: bool = True
    html: bool = False
    strict: bool = False
    large_print: bool = False
    versions: int | None = None  # None: 1, or a bundle's own
    seed: int | None = None  # None: 1, or a bundle's own
    force: bool = False  # rebuild everything, ignoring the build cache
    jobs: int | None = None  # worker processes; None: one per core, 1: render in this process

    @property
    def adding(self) -> frozenset[str]:
        """The options in effect that only add files (write.remove_stale)."""
        return frozenset(name for name in ADDING if getattr(self, name))


ADDING = ("html", "large_print", "key")  # options whose files a build without them keeps


@dataclass
class Result:
    """What a check or build found and made. `problems` holds warnings and errors."""

    lessons: list[LessonSource] = field(default_factory=list)
    bundles: list[BundleSource] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    outputs: list[Output] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)  # outdated files an earlier build made

    def add(self, problems: list[Problem]) -> None:
        """Add problems, once each (the student sheet and key often report the same)."""
        self.problems += [p for p in problems if p not in self.problems]


def load(paths: Iterable[Path]) -> Result:
    return _result(load_all(paths))


def _result(loaded: Loaded) -> Result:
    return Result(lessons=loaded.lessons, bundles=loaded.bundles, problems=loaded.problems)


def check(paths: Iterable[Path], strict: bool = False) -> Result:
    """Validate without writing. With `strict`, also render and report layout problems,
    and treat every warning as an error."""
    result = load(paths)
    if strict and not errors_in(result.problems):
        from .workers import executor_for, render_groups

        groups = plan(result, BuildOptions())
        with executor_for(None, groups) as executor:
            entries, problems = render_groups(groups, executor)
        result.add(problems)
        for entry in entries.values():
            result.add(entry.warnings)
    if strict:
        result.problems = [p.as_error() for p in result.problems]
    return result


def build(
    paths: Iterable[Path],
    options: BuildOptions,
    executor: Executor | None = None,
    progress: Progress | None = None,
) -> Result:
    """Build every lesson's and bundle's PDFs (and HTML with `options.html`); all or nothing.

    Documents whose inputs are unchanged come from the build cache; the rest render on
    `executor` (default: a process pool of `options.jobs` workers). Raises LessonError
    carrying every problem when anything is invalid or cannot be rendered; then
    nothing is written and nothing removed. After a successful build, the files an
    earlier build made for these lessons and bundles that this one no longer makes are
    removed (`Result.removed`; the rule is write.remove_stale's).
    """
    from . import manifest
    from .cache import BuildCache
    from .fingerprints import font_fingerprint

    cache = BuildCache(options.out_dir, enabled=not options.force)
    folders, bundle_files, found_problems = find_inputs(paths)
    fonts = font_fingerprint()
    request = manifest.request_key(_request(options), folders, bundle_files, fonts)
    if cache.enabled and not found_problems:
        recorded = manifest.unchanged(cache.folder, request)
        if recorded is not None:
            return Result(problems=recorded.warnings, outputs=recorded.outputs)
    result = _result(load_found(folders, bundle_files, found_problems))
    _stop_on_errors(result, options.strict)
    files = _make(result, options, cache, fonts, executor, progress)
    _stop_on_errors(result, options.strict)
    result.outputs += write_changed(files, options.out_dir)
    result.removed, made = remove_stale(
        options.out_dir, manifest.made_before(cache.folder), files, options.adding
    )
    manifest.record(
        cache.folder,
        request,
        _inputs(result),
        [s.root for s in _sources(result)],
        result.outputs,
        result.problems,
        made,
    )
    return result


def plan(result: Result, options: BuildOptions) -> list[Group]:
    """Every group of documents to make: each lesson, and each lesson as printed in each
    bundle, in every layout."""
    return [group for group, _, _ in _planned(result, options)]


def _planned(result: Result, options: BuildOptions) -> list[tuple[Group, str, frozenset[str]]]:
    """plan(), each group with the lesson or bundle it is made for (its slug or name) and
    the options its files need: "large_print" for copies made only because of the flag."""
    from .plan import Group, bundle_header

    groups = []
    for source in result.lessons:
        for layout in print_layouts(options.paper or DEFAULT_PAPER, options.large_print):
            group = Group(
                source,
                layout,
                tuple(version_letters(options.versions or 1)),
                options.seed or 1,
                options.key,
                options.html,
            )
            groups.append((group, source.slug, _needs(layout, own_large_print=False)))
    for bundle, layouts in bundles_as_built(result.bundles, options):
        for source in bundle.entries:
            for layout in layouts:
                group = Group(
                    source,
                    layout,
                    tuple(bundle.versions),
                    bundle.bundle.seed,
                    options.key,
                    html=False,
                    bundle=bundle.name,
                    header=bundle_header(bundle),
                    bundle_path=bundle.path,
                )
                needs = _needs(layout, bundle.bundle.large_print)
                groups.append((group, bundle.name, needs))
    return groups


def _needs(layout: Layout, own_large_print: bool, key: bool = False) -> frozenset[str]:
    """The adding options a file in `layout` needs (a bundle may ask for large print
    itself: then its large-print files need no flag)."""
    large = layout.large_print and not own_large_print
    return frozenset(["large_print"] * large + ["key"] * key)


def bundles_as_built(bundles: list[BundleSource], options: BuildOptions):
    """Each bundle as this build prints it, with its layouts (command line first); the
    answer sheets (grade/build.py) print bundles by the same rules."""
    for bundle in bundles:
        bundle = _with_options(bundle, options)
        paper = options.paper or bundle.bundle.paper or DEFAULT_PAPER
        yield bundle, print_layouts(paper, options.large_print or bundle.bundle.large_print)


def _with_options(bundle: BundleSource, options: BuildOptions) -> BundleSource:
    """Command-line --versions and --seed win over the bundle file's."""
    update = {
        k: v for k, v in (("versions", options.versions), ("seed", options.seed)) if v is not None
    }
    return replace(bundle, bundle=bundle.bundle.model_copy(update=update)) if update else bundle


def print_layouts(paper: str, large_print: bool) -> list[Layout]:
    """Regular print, and large print too when asked."""
    from .plan import Layout

    return [Layout(paper)] + ([Layout(paper, large_print=True)] if large_print else [])


def _stop_on_errors(result: Result, strict: bool) -> None:
    if strict:
        result.problems = [p.as_error() for p in result.problems]
    if errors_in(result.problems):
        raise LessonError(result.problems)


def _make(
    result: Result,
    options: BuildOptions,
    cache: BuildCache,
    fonts: str,
    executor: Executor | None,
    progress: Progress | None,
) -> dict[str, OutputFile]:
    """Every output file by name: from the cache, or rendered."""
    from .fingerprints import Keys, group_slot, packets_slot
    from .workers import executor_for, render_groups, render_steps

    keys = Keys(fonts)
    planned = _planned(result, options)
    groups = [group for group, _, _ in planned]
    group_keys = {group: keys.group(group) for group in groups}
    entries = {}
    for group in groups:
        entry = cache.get(group_slot(group), group_keys[group], group.source.root)
        if entry is not None:
            entries[group] = entry
    todo = [group for group in groups if group not in entries]
    packets = []
    for bundle, layouts in bundles_as_built(result.bundles, options):
        mine = [group_keys[g] for g in groups if g.bundle_path == bundle.path]
        slot = packets_slot(bundle, layouts[0].paper, len(layouts) > 1)
        key = keys.packets(bundle, mine, options.key, slot)
        packets.append((bundle, layouts, slot, key, cache.get(slot, key, bundle.root)))
    if progress:
        progress.planned(render_steps(todo) + sum(1 for *_, entry in packets if entry is None))
    with nullcontext(executor) if executor else executor_for(options.jobs, todo) as pool:
        rendered, problems = render_groups(todo, pool, progress)
    for group, entry in rendered.items():
        cache.put(group_slot(group), group_keys[group], entry, group.source.root)
    entries.update(rendered)
    result.add(problems)
    _stop_on_errors(result, options.strict)
    files: dict[str, OutputFile] = {}
    for group, owner, needs in planned:
        result.add(entries[group].warnings)
        files.update(_group_files(group, entries[group], owner, needs))
    for bundle, layouts, slot, key, entry in packets:
        if entry is None:
            if progress:
                progress.done(f"{bundle.name} (combining)")
            entry = _packets(bundle, layouts, files, options.key, cache, fonts)
            cache.put(slot, key, entry, bundle.root)
        for name, data in entry.files.items():
            needs = frozenset(entry.needs.get(name, ()))
            made = entry.made.get(name)
            roster = made is not None and made.variant.sheet == Sheet.ROSTER
            files[name] = OutputFile(
                data,
                entry.pages.get(name),
                bundle.name,
                needs,
                made,
                duplex=bundle.bundle.duplex,
                packets=len(bundle.students) if roster else 0,
            )
    if options.html:
        files.update(assets(result.lessons, options.large_print))
    return files


def _group_files(
    group: Group, entry: Entry, owner: str, needs: frozenset[str]
) -> dict[str, OutputFile]:
    """A group's files, each with the options it needs: keys need "key", pages "html"."""
    files = {}
    for name, data in entry.files.items():
        made = entry.made.get(name)
        wants = set(ADDING) if made is None else set(needs)
        if made is not None and made.variant.show_answers:
            wants.add("key")
        if made is not None and name.endswith(".html"):
            wants.add("html")
        files[name] = OutputFile(data, entry.pages.get(name), owner, frozenset(wants), made)
    return files


def _packets(
    bundle: BundleSource,
    layouts: list[Layout],
    files: dict[str, OutputFile],
    key: bool,
    cache: BuildCache,
    fonts: str,
) -> Entry:
    """Join a bundle's lessons; its cover and page numbers come from the cache when an
    edit changed no page count (and the installed fonts are the same)."""
    from ..render.stamps import remembering
    from .cache import Entry, Renders
    from .fingerprints import WithFonts
    from .packets import packet_files

    pdfs = {name.removesuffix(".pdf"): file.data for name, file in files.items()}
    pages = {name.removesuffix(".pdf"): file.pages for name, file in files.items() if file.pages}
    entry = Entry()
    with remembering(WithFonts(Renders(cache), fonts)):
        for layout in layouts:
            for packet in packet_files(bundle, pdfs, [layout], key, pages):
                name = entry.add(packet.made, "pdf", packet.data, packet.pages)
                needs = _needs(
                    layout, bundle.bundle.large_print, key=packet.made.variant.show_answers
                )
                entry.needs[name] = sorted(needs)
    return entry


def _sources(result: Result) -> list[LessonSource]:
    return [*result.lessons, *(s for b in result.bundles for s in b.entries)]


def _inputs(result: Result) -> list[Path]:
    """Every file this build read, for the no-op fast path (manifest.py)."""
    from .fingerprints import lesson_files, theme_files

    files = [f for source in _sources(result) for f in lesson_files(source)]
    for bundle in result.bundles:
        files.append(bundle.path)
        if bundle.bundle.roster:
            files.append(bundle.path.parent / bundle.bundle.roster)
    files += [f for root in {s.root for s in _sources(result)} for f in theme_files(root)]
    return files


def _request(options: BuildOptions) -> dict:
    """The options that change what is built (not where, how fast, or whether cached)."""
    fields = asdict(options)
    for name in ("out_dir", "force", "jobs"):
        fields.pop(name)
    return fields
