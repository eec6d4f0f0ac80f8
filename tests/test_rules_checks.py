"""Fast unit tests of the checks on lessons and their files: the sandbox every read goes
through, the build cache's keys, the cross-field validation and the Markdown sanitizer.
No PDF is rendered, so the mutation-testing run (pyproject.toml [tool.mutmut]) can afford
to run them for every mutant of builder/sandbox.py, output/fingerprints.py,
project/rules.py, project/text_rules.py and compose/text.py."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from conftest import write_png

from builder.compose import text
from builder.output import fingerprints
from builder.output.plan import Group, Layout
from builder.project import syntax, text_rules
from builder.project.lesson import load_lesson
from builder.project.rules import choice_index
from builder.sandbox import Refused, checked_path, read_text_checked

# --- sandbox: every file read goes through checked_path (SPEC §6) ---------------------


def test_checked_path_returns_the_real_file_behind_a_link_inside_the_project(tmp_path):
    (tmp_path / "notes.md").write_text("hi", encoding="utf-8")
    (tmp_path / "link.md").symlink_to(tmp_path / "notes.md")
    assert checked_path(tmp_path / "link.md", [tmp_path]) == (tmp_path / "notes.md").resolve()


def test_checked_path_accepts_a_file_in_any_allowed_root(tmp_path):
    project, theme = tmp_path / "project", tmp_path / "theme"
    project.mkdir()
    theme.mkdir()
    (theme / "style.css").write_text("p {}", encoding="utf-8")
    assert checked_path(theme / "style.css", [project, theme]) == (theme / "style.css").resolve()


def test_checked_path_refuses_a_link_leading_out_of_the_project(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "secret.txt").write_text("x", encoding="utf-8")
    (project / "reading.md").symlink_to(tmp_path / "secret.txt")
    with pytest.raises(Refused) as refused:
        checked_path(project / "reading.md", [project])
    assert str(refused.value).endswith(
        "reading.md' is outside the lesson project; lessons may only use files inside "
        "their own project folder"
    )


@pytest.mark.parametrize(
    "make, message",
    [
        (lambda p: None, r"'.*missing\.md' does not exist$"),
        (lambda p: p.symlink_to(p), r"'.*missing\.md' cannot be opened \(.+\)$"),
        (lambda p: p.mkdir(), r"'.*missing\.md' is not a regular file$"),
    ],
    ids=["missing", "link-loop", "folder"],
)
def test_checked_path_says_why_it_refuses(tmp_path, make, message):
    path = tmp_path / "missing.md"
    make(path)
    with pytest.raises(Refused, match=message):
        checked_path(path, [tmp_path])


def test_read_text_checked_reads_utf8_up_to_the_limit_and_refuses_beyond(tmp_path):
    path = tmp_path / "reading.md"
    path.write_bytes("é".encode() * 1024 * 1024)  # 2 MB exactly
    assert read_text_checked(path, [tmp_path], 2 * 1024 * 1024) == "é" * 1024 * 1024
    path.write_bytes(b"a" * (3 * 1024 * 1024 + 100))
    with pytest.raises(Refused, match=r"reading\.md' is 3072 KB; the limit is 2 MB$"):
        read_text_checked(path, [tmp_path], 2 * 1024 * 1024)


def test_read_text_checked_refuses_text_that_is_not_utf8(tmp_path):
    path = tmp_path / "reading.md"
    path.write_bytes("caf\xe9".encode("latin-1"))
    with pytest.raises(Refused, match=r"reading\.md' is not UTF-8 text; save it as UTF-8$"):
        read_text_checked(path, [tmp_path], 1000)


def test_read_text_checked_goes_through_the_sandbox(tmp_path):
    project = tmp_path / "project"
    project.mkdir()
    (tmp_path / "secret.txt").write_text("x", encoding="utf-8")
    with pytest.raises(Refused, match="outside the lesson project"):
        read_text_checked(tmp_path / "secret.txt", [project], 1000)


# --- keys: the build cache must rebuild whenever a page could change, and only then ----

KEYED_LESSON = """\
title: Keyed
readings:
  - id: first
    file: first.md
    original_file: first-original.md
    images:
      - file: map.png
        alt: A map
questions:
  - prompt: Why?
    answer: Because.
"""


@pytest.fixture
def keyed(tmp_path):
    """A project with one lesson (reading file, original file, image), a project theme and
    a bundle; returns a function making the lesson's Group from keyword changes."""
    folder = tmp_path / "lessons" / "keyed"
    folder.mkdir(parents=True)
    (folder / "lesson.yaml").write_text(KEYED_LESSON, encoding="utf-8")
    (folder / "first.md").write_text("The text.\n", encoding="utf-8")
    (folder / "first-original.md").write_text("The original.\n", encoding="utf-8")
    write_png(folder / "map.png")
    (tmp_path / "styles").mkdir()
    (tmp_path / "styles" / "extra.css").write_text("p { color: black }", encoding="utf-8")
    (tmp_path / "lessons" / "unit.bundle.yaml").write_text("lessons: [keyed]\n", "utf-8")

    def group(**changes) -> Group:
        source, problems = load_lesson(folder)
        assert source is not None, problems
        fields = dict(
            source=source,
            layout=Layout("letter", False),
            versions=("",),
            seed=1,
            key=True,
            html=False,
            bundle="",
            header="",
            bundle_path=None,
        )
        return Group(**{**fields, **changes})

    group.folder = folder
    group.root = tmp_path
    return group


def _key(group: Group, fonts: str = "fonts-1") -> str:
    return fingerprints.Keys(fonts).group(group)


def test_a_group_key_is_the_same_for_the_same_inputs_and_a_moved_project(keyed, tmp_path):
    import shutil

    before = _key(keyed())
    (keyed.folder / "notes-for-me.txt").write_text("not printed", encoding="utf-8")
    (keyed.root / "README.md").write_text("not printed", encoding="utf-8")
    assert _key(keyed()) == before
    moved = tmp_path.parent / (tmp_path.name + "-moved")
    shutil.copytree(tmp_path, moved)
    source, _ = load_lesson(moved / "lessons" / "keyed")
    assert _key(keyed(source=source)) == before


@pytest.mark.parametrize(
    "change",
    [
        dict(layout=Layout("a4", False)),
        dict(layout=Layout("letter", True)),
        dict(versions=("A", "B")),
        dict(seed=2),
        dict(key=False),
        dict(html=True),
        dict(bundle="unit"),
        dict(header="Period 2"),
    ],
    ids=lambda change: next(iter(change)),
)
def test_each_build_option_changes_the_group_key(keyed, change):
    assert _key(keyed(**change)) != _key(keyed())


@pytest.mark.parametrize("name", ["lesson.yaml", "first.md", "first-original.md", "map.png"])
def test_editing_any_lesson_file_changes_the_group_key(keyed, name):
    before = _key(keyed())
    path = keyed.folder / name
    path.write_bytes(path.read_bytes() + b"\n")
    assert _key(keyed()) != before


def test_the_project_theme_fonts_and_bundle_file_change_the_group_key(keyed):
    bundle = keyed.root / "lessons" / "unit.bundle.yaml"
    before = _key(keyed(bundle_path=bundle))
    assert _key(keyed(bundle_path=bundle), fonts="fonts-2") != before
    assert _key(keyed()) != before  # printed alone, not through the bundle
    bundle.write_text("lessons: [keyed]\nclass: Period 2\n", encoding="utf-8")
    changed = _key(keyed(bundle_path=bundle))
    assert changed != before
    (keyed.root / "styles" / "extra.css").write_text("p { color: red }", encoding="utf-8")
    assert _key(keyed(bundle_path=bundle)) != changed
    (keyed.root / "templates").mkdir()
    (keyed.root / "templates" / "lesson.html.j2").write_text("{{ x }}", encoding="utf-8")
    assert _key(keyed(bundle_path=bundle)) not in (before, changed)


def test_hidden_theme_files_do_not_change_the_key(keyed):
    before = _key(keyed())
    (keyed.root / "styles" / ".extra.css.swp").write_text("editor", encoding="utf-8")
    (keyed.root / "styles" / ".git").mkdir()
    (keyed.root / "styles" / ".git" / "HEAD").write_text("ref", encoding="utf-8")
    assert _key(keyed()) == before
    (keyed.root / "styles" / "print").mkdir()
    (keyed.root / "styles" / "print" / "more.css").write_text("h1 {}", encoding="utf-8")
    assert _key(keyed()) != before


def test_theme_files_lists_templates_and_styles_in_a_stable_order(tmp_path):
    for name in ("styles/b.css", "styles/a.css", "styles/sub/c.css", "templates/t.j2"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("x", encoding="utf-8")
    (tmp_path / "styles" / ".hidden").write_text("x", encoding="utf-8")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "o.css").write_text("x", encoding="utf-8")
    found = [str(p.relative_to(tmp_path)) for p in fingerprints.theme_files(tmp_path)]
    assert found == ["templates/t.j2", "styles/a.css", "styles/b.css", "styles/sub/c.css"]


def test_files_digest_names_files_by_place_and_tolerates_missing_ones(tmp_path):
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    (tmp_path / "b.txt").write_text("b", encoding="utf-8")
    outside = tmp_path.parent / "elsewhere.txt"
    both = [tmp_path / "a.txt", tmp_path / "b.txt"]
    digests = fingerprints.files_digest(both, tmp_path)
    assert digests == fingerprints.files_digest([*reversed(both), both[0]], tmp_path)
    assert [name for name, _ in digests] == ["a.txt", "b.txt"]
    assert digests[0][1] == fingerprints.file_digest(tmp_path / "a.txt") != digests[1][1]
    assert sorted(fingerprints.files_digest([tmp_path / "gone.txt", outside], tmp_path)) == [
        (str(outside), ""),
        ("gone.txt", ""),
    ]


def test_digest_is_stable_and_tells_parts_apart():
    assert fingerprints.digest({"b": 1, "a": [1, 2]}) == fingerprints.digest({"a": [1, 2], "b": 1})
    assert fingerprints.digest("a", "b") != fingerprints.digest("ab")
    assert fingerprints.digest(Path("x")) == fingerprints.digest("x")
    assert len(fingerprints.digest()) == 64


def test_keys_use_the_fonts_given_or_else_ask_fontconfig(monkeypatch):
    monkeypatch.setattr(fingerprints, "font_fingerprint", lambda: "asked")
    assert fingerprints.Keys().fonts == "asked"
    assert fingerprints.Keys("").fonts == ""
    assert fingerprints.Keys("given").fonts == "given"


def test_a_projects_theme_is_hashed_once_per_build(keyed, monkeypatch):
    calls = []
    real = fingerprints.theme_files
    monkeypatch.setattr(fingerprints, "theme_files", lambda root: calls.append(root) or real(root))
    built = fingerprints.Keys("f")
    first = built.theme(keyed.root)
    assert built.theme(keyed.root) == first
    assert calls == [keyed.root]
    assert first == fingerprints.files_digest(real(keyed.root), keyed.root)


def _bundle_source(root: Path, roster: str | None):
    from builder.project.bundle import BundleSource
    from builder.project.models import Bundle

    bundle = Bundle.model_validate(
        {"title": "Unit", "lessons": ["keyed"], **({"roster": roster} if roster else {})}
    )
    return BundleSource("unit", root / "lessons" / "unit.bundle.yaml", root, bundle, [])


def test_packet_keys_follow_the_bundle_roster_theme_groups_and_options(keyed):
    (keyed.root / "lessons" / "roster.csv").write_text("name\nAda\n", encoding="utf-8")
    bundle = _bundle_source(keyed.root, "roster.csv")
    built = fingerprints.Keys("f")

    def key(**changes) -> str:
        args = dict(bundle=bundle, group_keys=["g1"], key=True, slot="s")
        return built.packets(**{**args, **changes})

    before = key()
    assert key() == before
    assert fingerprints.Keys("g").packets(bundle, ["g1"], True, "s") != before
    assert key(group_keys=["g2"]) != before
    assert key(key=False) != before
    assert key(slot="t") != before
    assert key(bundle=_bundle_source(keyed.root, None)) != before
    (keyed.root / "lessons" / "roster.csv").write_text("name\nAda\nBo\n", encoding="utf-8")
    assert key() != before
    rostered = key()
    (keyed.root / "lessons" / "unit.bundle.yaml").write_text("lessons: [keyed]\n# x\n", "utf-8")
    assert key() != rostered
    edited = key()
    (keyed.root / "styles" / "extra.css").write_text("p { color: red }", encoding="utf-8")
    assert fingerprints.Keys("f").packets(bundle, ["g1"], True, "s") != edited


def test_a_missing_roster_or_bundle_file_keys_as_empty():
    assert fingerprints._bundle_file(None) == ""
    assert fingerprints._bundle_file(Path("/nonexistent/unit.bundle.yaml")) == ""


def test_slots_tell_outputs_apart_and_ignore_what_only_changes_their_content(keyed):
    slots = {
        fingerprints.group_slot(keyed()),
        fingerprints.group_slot(keyed(layout=Layout("a4", False))),
        fingerprints.group_slot(keyed(layout=Layout("letter", True))),
        fingerprints.group_slot(keyed(bundle="unit")),
    }
    assert len(slots) == 4
    assert fingerprints.group_slot(keyed(seed=5, versions=("A", "B"))) == fingerprints.group_slot(
        keyed()
    )
    bundle = _bundle_source(keyed.root, None)
    packets = {
        fingerprints.packets_slot(bundle, "letter", False),
        fingerprints.packets_slot(bundle, "a4", False),
        fingerprints.packets_slot(bundle, "letter", True),
    }
    assert len(packets) == 3 and not packets & slots


def test_with_fonts_keeps_renders_apart_per_installed_fonts():
    store: dict[str, bytes] = {}

    class Store:
        get = staticmethod(store.get)

        @staticmethod
        def put(key, data):
            store[key] = data

    before = fingerprints.WithFonts(Store, "fonts-1")
    before.put(("cover",), b"laid out")
    assert before.get(("cover",)) == b"laid out"
    assert fingerprints.WithFonts(Store, "fonts-2").get(("cover",)) is None
    assert "cover" not in store and ("cover",) not in store


def test_font_fingerprint_notices_fonts_added_changed_or_removed(tmp_path, monkeypatch):
    conf, fonts = tmp_path / "fonts.conf", tmp_path / "fonts"
    conf.write_text("<fontconfig/>", encoding="utf-8")
    (fonts / "truetype").mkdir(parents=True)
    (fonts / "truetype" / "a.ttf").write_bytes(b"a" * 10)
    monkeypatch.setattr(fingerprints, "_fontconfig_paths", lambda: ([str(conf)], [str(fonts)]))
    seen = [fingerprints.font_fingerprint()]
    assert fingerprints.font_fingerprint() == seen[0]
    (fonts / ".uuid").write_text("cache", encoding="utf-8")
    (fonts / ".cache").mkdir()
    (fonts / ".cache" / "x").write_text("cache", encoding="utf-8")
    assert fingerprints.font_fingerprint() == seen[0]  # fontconfig's own files are not fonts
    (fonts / "truetype" / "b.ttf").write_bytes(b"b" * 10)
    seen.append(fingerprints.font_fingerprint())
    (fonts / "truetype" / "b.ttf").write_bytes(b"b" * 11)
    seen.append(fingerprints.font_fingerprint())
    os.utime(fonts / "truetype" / "b.ttf", ns=(1, 1))
    seen.append(fingerprints.font_fingerprint())
    conf.write_text("<fontconfig><dir>/x</dir></fontconfig>", encoding="utf-8")
    seen.append(fingerprints.font_fingerprint())
    (fonts / "truetype" / "b.ttf").unlink()
    (fonts / "truetype" / "b.ttf").symlink_to(tmp_path / "nowhere.ttf")  # a dangling link
    seen.append(fingerprints.font_fingerprint())
    assert len(set(seen)) == len(seen)


def test_font_fingerprint_names_fonts_relative_to_their_folder(tmp_path, monkeypatch):
    def fingerprint(home: Path) -> str:
        (home / "fonts").mkdir(parents=True)
        (home / "fonts" / "a.ttf").write_bytes(b"a")
        os.utime(home / "fonts" / "a.ttf", ns=(5, 5))
        monkeypatch.setattr(fingerprints, "_fontconfig_paths", lambda: ([], [str(home / "fonts")]))
        return fingerprints.font_fingerprint()

    assert fingerprint(tmp_path / "one") != fingerprint(tmp_path / "two")  # folder named
    monkeypatch.setattr(fingerprints, "_fontconfig_paths", lambda: None)
    assert fingerprints.font_fingerprint() == ""


def test_fontconfig_is_asked_for_its_files_and_folders():
    import ctypes.util

    found = fingerprints._fontconfig_paths()
    if found is None and ctypes.util.find_library("fontconfig") is None:
        pytest.skip("no fontconfig on this computer")
    config_files, font_folders = found
    assert config_files and all(isinstance(p, str) and os.path.exists(p) for p in config_files)
    assert font_folders and all(isinstance(p, str) and os.path.isabs(p) for p in font_folders)


# --- text: Markdown -> sanitized HTML, links, anchors and glossary marks ---------------


def test_anchors_travel_as_invisible_marks_only_in_reading_texts():
    encoded = text.encode_anchor("cuba-1")
    assert encoded[0] == text.ANCHOR_START and encoded[-1] == text.ANCHOR_END
    assert not any(c.isprintable() and c.isascii() for c in encoded)
    assert text.decode_anchor(encoded[1:-1]) == "cuba-1"
    assert str(text.block("Near {#cuba-1}Havana.")) == f"<p>Near {encoded}Havana.</p>"
    assert str(text.block("Near {#cuba-1}Havana.", anchors=False)) == "<p>Near {#cuba-1}Havana.</p>"
    assert str(text.inline("See {#x}")) == "See {#x}"


def test_block_keeps_formatting_and_drops_scripts_and_styles():
    html = str(text.block("*a* **b**\n\n<script>alert(1)</script><b onclick='x()'>c</b>"))
    assert "<em>a</em> <strong>b</strong>" in html
    assert "<script" not in html and "onclick" not in html and "<b>c</b>" in html
    # the converter is reset between texts: a footnote-like state never leaks
    assert str(text.block("second")) == "<p>second</p>"


def test_kept_web_links_open_without_passing_on_the_handout(tmp_path):
    html = str(text.block('[y](https://e.org "T")'))
    assert html == ('<p><a href="https://e.org" title="T" rel="noopener noreferrer">y</a></p>')


def test_inline_drops_the_single_paragraph_but_keeps_several():
    assert str(text.inline(None)) == ""
    assert str(text.inline("*one*")) == "<em>one</em>"
    assert str(text.inline("one\n\ntwo")) == "<p>one</p>\n<p>two</p>"


@pytest.mark.parametrize(
    "href, target",
    [
        ("https://e.org/a", "https://e.org/a"),
        ("HTTP://E.org", "HTTP://E.org"),
        ("mailto:t@e.org", "mailto:t@e.org"),
        ("#timeline", "#timeline"),
        ("#a", "#a"),
        (" \x00 https://e.org \n", "https://e.org"),
        ("ht\ttp\ns://e.org\r/x", "https://e.org/x"),
        ("#", None),
        ("notes.txt", None),
        ("file:///etc/passwd", None),
        ("javascript:alert(1)", None),
        (" java\nscript:alert(1)", None),
        ("//evil.example/x", None),
        ("data:text/html,hi", None),
        ("", None),
    ],
)
def test_link_target_keeps_only_web_mail_and_in_page_links(href, target):
    assert syntax.link_target(href) == target


def test_refused_links_are_listed_in_order_with_the_tag_and_href_as_written():
    found = syntax.refused_links(
        "[a](notes.txt) [b](https://x) <a href='y.txt'>c</a> <a title=t href=z.txt>e</a>"
        ' <a name="n">d</a> <area href="q.txt"> <a href="#">f</a>'
    )
    assert [(link.target, link.tag, link.href) for link in found] == [
        ("notes.txt", '<a href="notes.txt">', "notes.txt"),
        ("y.txt", "<a href='y.txt'>", "y.txt"),
        ("z.txt", "<a title=t href=z.txt>", "z.txt"),
        ("#", '<a href="#">', "#"),
    ]
    assert syntax.refused_links("[a](https://x) and [b](mailto:a@b.c)") == []


def test_refused_links_print_as_their_words_and_kept_ones_stay():
    html = str(text.block('[a](notes.txt), <a name="n">b</a> and <a href="#top">c</a>'))
    assert html == '<p>a, b and <a href="#top" rel="noopener noreferrer">c</a></p>'
    nested = str(text.block('<a href="x.txt">out <a href="https://e.org">in</a></a> end'))
    assert "x.txt" not in nested and "out" in nested and "end" in nested


@pytest.mark.parametrize(
    "html",
    [
        '<a href="https://e.org">a</a></a>',
        '<a href="https://e.org">a',
        'x < y <a href="https://e.org">a</a>',
        '<a href="https://e.org">a</a> <b',
    ],
)
def test_html_not_shaped_as_expected_prints_no_link_at_all(html):
    out = text._unwrap_links_without_href(html)
    assert "<a" not in out and "a" in out


def test_mark_terms_marks_the_first_use_of_each_term_in_the_text_only():
    body = text.block('The Arms race. <abbr title="arms">ARMS</abbr>, arms and more race')
    marked, found = text.mark_terms(body, ["arms", "race", "treaty"])
    assert found == [True, True, False]
    assert str(marked) == (
        '<p>The <span class="glossed">Arms</span><sup class="note-ref">1</sup> '
        '<span class="glossed">race</span><sup class="note-ref">2</sup>. '
        '<abbr title="arms">ARMS</abbr>, arms and more race</p>'
    )


@pytest.mark.parametrize(
    "term, body, found",
    [
        ("missile", "two Missiles", "Missiles"),
        ("box", "the boxes", "boxes"),
        ("naval blockade", "a naval\n  blockade", "naval\n  blockade"),
        ("arm", "the army and the arm", "arm"),
        ("cold", "ice-cold and cold-war and cold", "cold"),
        ("U.S.", "USA and U.S. aims", "U.S."),
    ],
)
def test_a_glossary_term_matches_whole_words_any_case_plural_and_spacing(term, body, found):
    marked, hits = text.mark_terms(text.block(body), [term])
    assert hits == [True]
    assert f'<span class="glossed">{found}</span>' in str(marked)
    assert str(marked).count("glossed") == 1
    assert syntax.term_pattern(term).search(body)[1] == found


def test_a_term_found_nowhere_leaves_the_text_unchanged():
    body = text.block("The <em>missile</em> gap")
    marked, hits = text.mark_terms(body, ["mis"])
    assert hits == [False] and str(marked) == str(body)


# --- validate: the cross-field rules, each message at the line a teacher must fix -----


@pytest.fixture
def check(write_lesson):
    """check(yaml_text, files={...}) -> [(line, severity, message)] of `lessonpack check`'s
    problems in lesson.yaml, and [(name, line, col, severity, message)] elsewhere."""

    def run(yaml_text: str, files: dict[str, str] | None = None, binary=None) -> list[tuple]:
        folder = write_lesson("les", yaml_text, files)
        for name, data in (binary or {}).items():
            (folder / name).write_bytes(data)
        _, problems = load_lesson(folder)
        return [
            (p.line, p.severity, p.message)
            if p.path.name == "lesson.yaml"
            else (p.path.name, p.line, p.col, p.severity, p.message)
            for p in problems
        ]

    return run


def test_reading_texts_need_exactly_one_of_file_and_text(check):
    problems = check(
        """\
        title: T
        readings:
          - id: both
            text: Inline.
            file: both.md
          - id: none
          - id: dup
            text: One.
          - id: dup
            text: Two.
        """,
        {"both.md": "From a file."},
    )
    assert problems == [
        (3, "error", "reading 'both' has both 'text' and 'file'; keep one"),
        (6, "error", "reading 'none' needs 'file' (a Markdown file) or 'text' (the text itself)"),
        (9, "error", "reading id 'dup' is used twice; give each reading its own id"),
    ]


def test_reading_files_are_read_through_the_sandbox_and_named_in_the_message(check, tmp_path):
    (tmp_path.parent / f"{tmp_path.name}.md").write_text("outside", encoding="utf-8")
    problems = check(
        f"""\
        title: T
        readings:
          - id: a
            file: gone.md
            original_file: ../../../{tmp_path.name}.md
          - id: b
            text: Modified.
            original_file: latin.md
            show_original: true
          - id: c
            text: Only modified.
            show_original: true
        """,
        binary={"latin.md": "caf\xe9".encode("latin-1")},
    )
    assert [(line, severity) for line, severity, _ in problems] == [
        (4, "error"),
        (5, "error"),
        (8, "error"),
        (9, "error"),  # the unreadable original cannot be shown either
        (12, "error"),
    ]
    messages = [message for _, _, message in problems]
    assert messages[0].startswith("reading file '") and "gone.md' does not exist" in messages[0]
    assert messages[1].startswith("original file '") and "outside the lesson" in messages[1]
    assert messages[2].startswith("original file '") and "is not UTF-8" in messages[2]
    assert problems[4][2] == "reading 'c' has show_original: true but no 'original' text"


def test_a_lesson_with_good_files_keeps_their_texts(write_lesson):
    folder = write_lesson(
        "les",
        """\
        title: T
        readings:
          - id: a
            file: a.md
            original_file: a-original.md
            show_original: true
          - id: b
            text: Inline b.
            original: Original b.
        questions:
          - prompt: Why?
            answer: Because.
          - id: last
            prompt: How?
            answer: So.
        """,
        {"a.md": "File a.", "a-original.md": "Original a."},
    )
    source, problems = load_lesson(folder)
    assert problems == []
    assert source.reading_texts == {"a": "File a.", "b": "Inline b."}
    assert source.original_texts == {"a": "Original a.", "b": "Original b."}
    assert source.question_ids == ["q1", "last"]


def _png_header(width: int, height: int) -> bytes:
    """A PNG header claiming `width`×`height` pixels, without the pixels (enough for its
    size to be read)."""
    import struct
    import zlib

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    crc = struct.pack(">I", zlib.crc32(b"IHDR" + ihdr) & 0xFFFFFFFF)
    end = b"\x00\x00\x00\x00IEND\xaeB`\x82"
    return b"\x89PNG\r\n\x1a\n" + struct.pack(">I", len(ihdr)) + b"IHDR" + ihdr + crc + end


IMAGES_LESSON = """\
title: T
readings:
  - id: a
    text: Text.
    images:
      - file: https://example.org/map.png
        alt: web
      - file: gone.png
        alt: missing
      - file: notes.txt
        alt: not an image
      - file: broken.png
        alt: not readable
      - file: huge.png
        alt: too many pixels
      - file: limit.png
        alt: just at the limit
      - file: MAP.PNG
        alt: capital letters
      - file: drawing.svg
        alt: vector
      - file: big.jpg
        alt: too many bytes
"""


def test_images_are_checked_for_place_kind_bytes_and_pixels(check, tmp_path):
    folder = tmp_path / "lessons" / "les"
    folder.mkdir(parents=True)
    write_png(folder / "MAP.PNG")
    with open(folder / "big.jpg", "wb") as f:  # sparse: 20 MB + 1 byte, nothing written
        f.truncate(20 * 1024 * 1024 + 1)
    problems = check(
        IMAGES_LESSON,
        {"notes.txt": "x", "drawing.svg": '<svg xmlns="http://www.w3.org/2000/svg"/>'},
        binary={
            "broken.png": b"\x89PNG not really",
            "huge.png": _png_header(10_000, 5_001),
            "limit.png": _png_header(10_000, 5_000),
        },
    )
    by_line = {line: (severity, message) for line, severity, message in problems}
    assert by_line.pop(6) == (
        "error",
        "image 'https://example.org/map.png' is a web or file address; lessons only use "
        "files inside their project: save the image next to lesson.yaml and give its name",
    )
    severity, message = by_line.pop(8)
    assert severity == "error" and message.startswith("image '") and "does not exist" in message
    assert by_line.pop(10) == (
        "error",
        "image 'notes.txt' is not a PNG, JPEG, GIF, WebP or SVG file",
    )
    assert by_line.pop(12) == ("error", "image 'broken.png' cannot be read as an image")
    assert by_line.pop(14) == (
        "error",
        "image 'huge.png' has 10000×5001 pixels, over 50 megapixels; make it smaller",
    )
    assert by_line.pop(22) == ("error", "image 'big.jpg' is larger than 20 MB; make it smaller")
    assert not [line for line in by_line if line in (16, 18, 20)]  # limit, MAP.PNG, svg
    assert len(problems) == 6 + len(by_line)  # (a later check may add its own)


def test_an_address_as_an_image_is_refused_at_the_file_name(write_lesson):
    folder = write_lesson(
        "les",
        """\
        title: T
        readings:
          - id: a
            text: Text.
            images:
              - file: file:///etc/hostname
                alt: local
              - file: HTTPS://EXAMPLE.ORG/A.PNG
                alt: shouted
              - file: gone.png
                alt: missing
              - file: c.png
                alt: a plain name
                caption: From [the archive](archive.txt)
                credit: "[Me](me.txt)"
            glossary:
              - term: Text
                meaning: See [notes](notes.txt)
        """,
    )
    (folder / "c.png").write_bytes(_png_header(10, 10))
    _, problems = load_lesson(folder)
    found = [(p.line, p.col, p.message[:30]) for p in problems]
    assert found == [
        (6, 15, "image 'file:///etc/hostname' i"),  # at the value, not the item
        (8, 15, "image 'HTTPS://EXAMPLE.ORG/A.P"),
        (10, 15, "image 'lessons/les/gone.png' d"),
        (14, 18, "the link to 'archive.txt' prin"),
        (15, 17, "the link to 'me.txt' prints as"),
        (18, 18, "the link to 'notes.txt' prints"),
    ]
    assert problems[2].message.endswith("gone.png' does not exist")


def test_reading_bodies_are_checked_for_anchors_images_and_glossary_terms(check):
    problems = check(
        """\
        title: T
        readings:
          - id: a
            line_numbers: true
            text: |
              The {#start}blockade and ![a map](map.png) the missiles.
            glossary:
              - term: blockade
                meaning: ships stopping ships
              - term: quarantine
                meaning: the word Kennedy used
          - id: b
            file: b.md
        """,
        {"b.md": "Again {#start}here and {#other}there.\n"},
    )
    assert problems == [
        (
            3,
            "warning",
            "reading 'a' has a Markdown image, which is not printed; list images under the "
            "reading's 'images:' with alt text and a caption",
        ),
        (
            10,
            "warning",
            "glossary term 'quarantine' does not appear in the text of reading 'a', so it "
            "cannot be marked",
        ),
        (
            12,  # the reading's own line: the clash is in its file
            "error",
            "the anchor {#start} is used twice (in reading 'a' and 'b'); give each its own name",
        ),
    ]


def test_line_references_must_name_an_anchor_in_a_numbered_reading(check):
    problems = check(
        """\
        title: T
        readings:
          - id: numbered
            line_numbers: true
            text: The {#gap}missile gap and {#zeta}more.
          - id: plain
            text: A {#plain-spot}plain reading.
            headnote: See line {line:gap}, not {line:nowhere}.
            focus_question: What does {#gap} mean?
        questions:
          - prompt: Read line {line:gap} and line {line:plain-spot}.
            answer:
              - Line {line:gap}.
              - "{#zeta}"
            choices: [x, y]
            kind: choice
          - prompt: Fine.
            answer: Fine.
            rubric:
              - points: 1
                descriptor: Quotes line {line:missing}
        """,
    )
    assert problems == [
        (
            8,
            "error",
            "{line:nowhere} names no anchor; mark the passage in a reading with {#nowhere} "
            "(anchors in this lesson: gap, plain-spot, zeta)",
        ),
        (
            9,
            "error",
            "{#gap} marks a line in a reading's text and only works there; to print that "
            "line's number here, write {line:gap}",
        ),
        (
            11,
            "error",
            "{line:plain-spot} points into reading 'plain', which has no line numbers; add "
            "'line_numbers: true' to it",
        ),
        (
            13,
            "error",
            "the answer to question q1 must be one of its choices, written out or as a "
            "letter (A, B)",
        ),
        (
            13,
            "error",
            "{#zeta} marks a line in a reading's text and only works there; to print that "
            "line's number here, write {line:zeta}",
        ),
        (
            21,
            "error",
            "{line:missing} names no anchor; mark the passage in a reading with {#missing} "
            "(anchors in this lesson: gap, plain-spot, zeta)",
        ),
    ]


def test_a_line_reference_in_a_lesson_without_anchors_says_there_are_none(check):
    problems = check(
        """\
        title: T
        questions:
          - prompt: Line {line:a}?
            answer: x
        """
    )
    assert problems == [
        (
            3,
            "error",
            "{line:a} names no anchor; mark the passage in a reading with {#a} "
            "(anchors in this lesson: none)",
        )
    ]


QUESTIONS_LESSON = """\
title: T
readings:
  - id: origins
    text: Text.
  - id: aims
    text: Text.
questions:
  - prompt: One
    answer: x
    reading: origin
  - id: q1
    prompt: Two
    answer: x
    reading: zzz
  - prompt: Three
    answer: x
    points: 3
    rubric:
      - points: 2
        descriptor: Good
      - points: 1
        descriptor: Some
  - id: q3
    prompt: Four
    points: 2
    rubric:
      - points: 2
        descriptor: Good
  - prompt: Five
    kind: choice
    answer: A
  - prompt: Six
    kind: short
    choices: [a, b]
    answer: a
  - prompt: Seven
    kind: truefalse
    answer: "yes"
  - prompt: Eight
    kind: truefalse
    answer: "False"
  - prompt: Nine
    kind: choice
    choices: [Red, Green, Blue]
    answer: D
  - prompt: Ten
    kind: choice
    choices: [Red, Green, Blue]
    answer: " c) "
"""


def test_questions_are_checked_for_ids_readings_rubrics_and_answers(write_lesson):
    _, problems = load_lesson(write_lesson("les", QUESTIONS_LESSON))
    assert [(p.line, p.col, p.severity, p.message) for p in problems] == [
        (
            10,
            14,
            "error",
            "question q1 refers to reading 'origin', which this lesson does not have; did "
            "you mean 'origins'?",
        ),
        (
            11,
            9,
            "error",
            "question id 'q1' is used twice (questions without an id are q1, q2, ... by "
            "position); give this question another id",
        ),
        (
            14,
            14,
            "error",
            "question q1 refers to reading 'zzz', which this lesson does not have; the "
            "readings are aims, origins",
        ),
        (19, 7, "warning", "question q3 is worth 3 points but its rubric's top level gives 2"),
        (23, 5, "warning", "question q3 has no 'answer'; the key will leave it blank"),
        (
            23,
            9,
            "error",
            "question id 'q3' is used twice (questions without an id are q1, q2, ... by "
            "position); give this question another id",
        ),
        (29, 5, "error", "question q5 is a 'choice' question but has no 'choices'"),
        (
            34,
            5,  # at the key 'choices:', which is what to remove
            "error",
            "question q6 has 'choices' but its kind is 'short'; add 'kind: choice' or remove "
            "the choices",
        ),
        (38, 13, "error", "the answer to true/false question q7 must be true or false"),
        (
            45,
            13,
            "error",
            "the answer to question q9 must be one of its choices, written out or as a letter "
            "(A, B, C)",
        ),
    ]


def test_a_question_without_an_id_clashing_is_reported_at_the_question(check):
    problems = check(
        """\
        title: T
        questions:
          - id: q2
            prompt: First
            answer: x
            reading: anything
          - prompt: Second
            answer: x
        """
    )
    assert problems == [
        (
            6,
            "error",
            "question q2 refers to reading 'anything', which this lesson does not have; this "
            "lesson has no readings",
        ),
        (
            7,
            "error",
            "question id 'q2' is used twice (questions without an id are q1, q2, ... by "
            "position); give this question another id",
        ),
    ]


@pytest.mark.parametrize(
    "answer, index",
    [
        ("Green", 1),
        ("B", 1),
        ("b", 1),
        ("B.", 1),
        (" c) ", 2),
        ("A", 0),
        ("D", None),
        ("green", None),
        ("Gre", None),
        ("AA", None),
    ],
)
def test_choice_index_reads_a_letter_or_the_exact_text(answer, index):
    assert choice_index(answer, ["Red", "Green", "Blue"]) == index


def test_choice_index_prefers_the_text_of_a_choice_that_looks_like_a_letter():
    assert choice_index("B", ["A", "C", "B"]) == 2
    assert choice_index("C", ["A", "C", "B"]) == 1


def test_a_choice_answer_given_as_a_list_is_refused(check):
    problems = check(
        """\
        title: T
        questions:
          - prompt: Which?
            kind: choice
            choices: [Red, Green]
            answer: [Red]
          - prompt: True?
            kind: truefalse
            answer: "TRUE"
        """
    )
    assert problems == [
        (
            6,
            "error",
            "the answer to question q1 must be one of its choices, written out or as a letter "
            "(A, B)",
        )
    ]


BROKEN_LESSON = """\
title: T
readings:
  - id: good
    text: Good [n](notes.txt).
  - id: bad-but-named
    text: Text.
    line_numbers: maybe
  - 42
questions:
  - prompt: Refers to a reading that failed
    reading: bad-but-named
    answer: x
  - prompt: Refers to nothing
    reading: nothing
    answer: x
  - prompt: Not valid
    lines: 99
timeline:
  mode: order
  instructions: See [here](notes.txt).
  events:
    - date: 1962-10
      label: One
    - date: 1962-10
      label: Two
    - date: not a date
      label: Three
central_question: Why [this](file:///x)?
"""


def test_a_lesson_that_fails_validation_still_gets_every_cross_field_check(check):
    problems = check(BROKEN_LESSON)
    assert [(line, severity) for line, severity, _ in problems] == [
        (4, "warning"),  # link in a valid reading
        (7, "error"),
        (8, "error"),
        (14, "error"),  # 'nothing' is no reading; 'bad-but-named' is one, though invalid
        (17, "error"),
        (20, "warning"),  # link in the timeline's instructions
        (24, "error"),  # same date in order mode
        (26, "error"),
        (28, "warning"),  # link in the central question
    ]
    assert "the readings are bad-but-named, good" in problems[3][2]
    assert problems[6][2] == (
        "two events share the date October 1962 ('One' and 'Two'); in 'order' mode students "
        "could not tell them apart: merge them or change the mode"
    )


@pytest.mark.parametrize(
    "timeline, clash",
    [
        ("mode: order", True),
        ("mode: fill", False),
        ("mode: match", False),
        ("mode: [order]", False),  # invalid mode: reported as such, not as a clash
        ("title: no mode given, so order", True),
    ],
)
@pytest.mark.parametrize("valid", [True, False], ids=["valid", "invalid-lesson"])
def test_events_on_one_date_clash_only_in_order_mode(check, timeline, clash, valid):
    problems = check(
        f"""\
        {"title: T" if valid else "subtitle: no title"}
        timeline:
          {timeline}
          events:
            - date: 1962
              label: Early
            - date: 1962-10
              label: One
            - date: 1962-10
              label: Two
            - date: 1963
              label: Late
        """
    )
    clashes = [p for p in problems if "share the date" in p[2]]
    assert clashes == ([(9, "error", clashes[0][2])] if clash else [])
    if clash:
        assert "('One' and 'Two')" in clashes[0][2]


def test_a_lesson_whose_parts_are_not_lists_or_fields_is_reported_not_a_crash(check):
    problems = check(
        """\
        readings: 5
        timeline: events
        questions: [1, {prompt: fine}]
        objectives:
          - See [a](b.txt)
        """
    )
    assert [(line, severity) for line, severity, _ in problems] == [
        (1, "error"),  # no title
        (1, "error"),
        (2, "error"),
        (3, "error"),
        (3, "warning"),  # the valid question is still checked: it has no answer
        (5, "warning"),  # and so are the links in the objectives
    ]
    assert problems[4][2] == "question q2 has no 'answer'; the key will leave it blank"


LINKS_LESSON = """\
title: T
readings:
  - id: a
    file: a.md
  - id: b
    text: |
      First line.
      See [n](notes.txt) and
      [again](notes.txt).
    headnote: Plain [h](h.txt) here.
questions:
  - prompt: P
    answer:
      - No link here
      - Then [x](x.txt)
"""
LINKS_FILE = (
    "Intro.\n\nA [one](same.txt) and [two](same.txt).\n"
    "  <a href='raw.txt'>r</a> <file:///etc/passwd> [c](\x01ctl.txt)\n"
    f"[long]({'x' * 70}.txt)\n"
)


def test_each_refused_link_is_reported_where_it_is_written(write_lesson):
    _, problems = load_lesson(write_lesson("les", LINKS_LESSON, {"a.md": LINKS_FILE}))
    assert all(p.severity == "warning" for p in problems)
    assert all(p.message.endswith(": " + text_rules.LINKS_ALLOWED) for p in problems)
    found = [(p.path.name, p.line, p.col, p.message.split("' prints")[0]) for p in problems]
    assert found == [
        ("a.md", 3, 9, "the link to 'same.txt"),
        ("a.md", 3, 29, "the link to 'same.txt"),  # the second one, not the first again
        ("a.md", 4, 3, "the link to 'raw.txt"),  # raw HTML: at its tag
        ("a.md", 4, 28, "the link to 'file:///etc/passwd"),  # an autolink: at its target
        ("a.md", 4, 52, "the link to '\\x01ctl.txt"),  # control characters shown escaped
        ("a.md", 5, 8, "the link to '" + "x" * 57 + "..."),  # long targets cut to 60
        ("lesson.yaml", 8, None, "the link to 'notes.txt"),  # in a | block: its own line
        ("lesson.yaml", 9, None, "the link to 'notes.txt"),
        ("lesson.yaml", 10, 15, "the link to 'h.txt"),  # a plain value: at the value
        ("lesson.yaml", 15, 9, "the link to 'x.txt"),  # the second answer of a list
    ]


def test_show_target_keeps_targets_up_to_60_characters_whole():
    assert text_rules._show_target("y" * 60) == "y" * 60
    assert text_rules._show_target("y" * 61) == "y" * 57 + "..."
    assert text_rules._show_target("a\tb\x7fc\x1f") == "a\\x09b\\x7fc\\x1f"


def test_line_col_counts_from_one():
    assert text_rules._line_col("ab\ncd", 0) == (1, 1)
    assert text_rules._line_col("ab\ncd", 1) == (1, 2)
    assert text_rules._line_col("ab\ncd", 3) == (2, 1)
    assert text_rules._line_col("ab\ncd\nef", 7) == (3, 2)


def test_the_code_fingerprint_hashes_the_theme_the_build_uses():
    from builder.project.files import builtin_dir, builtin_theme_root

    root = builtin_theme_root()
    assert root / "templates" == builtin_dir("templates")
    assert root / "styles" == builtin_dir("styles")
    assert fingerprints.theme_files(root)


def test_new_code_or_libraries_change_every_key(keyed, monkeypatch):
    bundle = _bundle_source(keyed.root, None)
    before = (_key(keyed()), fingerprints.Keys("f").packets(bundle, ["g"], True, "s"))
    monkeypatch.setattr(fingerprints, "code_fingerprint", lambda: "lessonpack 2.0")
    after = (_key(keyed()), fingerprints.Keys("f").packets(bundle, ["g"], True, "s"))
    assert after[0] != before[0] and after[1] != before[1]


def test_only_the_allowlisted_tags_and_attributes_are_printed():
    html = str(text.block('# Big\n\n<img src="https://e.org/x.png"> <div lang="fr">d</div>'))
    assert html == "Big\n<p> d</p>" or ("<h1" not in html and "<img" not in html)
    assert "<div" not in html and "lang" not in html
    html = str(text.block('<q cite="https://e.org">q</q> <a href="#a" hreflang="fr">a</a>'))
    assert html == '<p><q>q</q> <a href="#a" rel="noopener noreferrer">a</a></p>'
    assert str(text.block('<abbr title="Union">U</abbr>')) == '<p><abbr title="Union">U</abbr></p>'


def test_the_fallback_for_unexpected_html_still_applies_the_allowlist():
    out = text._unwrap_links_without_href('<a href="#x">a</a></a> <q cite="https://e.org">b</q>')
    assert out == "a <q>b</q>"
    assert text._unwrap_links_without_href('Hi <a href="#a">x</a>') == 'Hi <a href="#a">x</a>'


def test_a_glossary_term_is_marked_in_the_text_never_inside_a_tag_and_once():
    body = text.block('<abbr title="treaty">T</abbr> the treaty and the treaty')
    marked, _ = text.mark_terms(body, ["treaty"])
    assert str(marked) == (
        '<p><abbr title="treaty">T</abbr> the <span class="glossed">treaty</span>'
        '<sup class="note-ref">1</sup> and the treaty</p>'
    )


def test_font_fingerprint_notices_a_renamed_font_but_not_the_current_folder(tmp_path, monkeypatch):
    fonts = tmp_path / "fonts"
    fonts.mkdir()
    (fonts / "a.ttf").write_bytes(b"a")
    monkeypatch.setattr(fingerprints, "_fontconfig_paths", lambda: ([], [str(fonts)]))
    before = fingerprints.font_fingerprint()
    monkeypatch.chdir(fonts)
    assert fingerprints.font_fingerprint() == before
    (fonts / "a.ttf").rename(fonts / "b.ttf")  # same size and time, another font
    assert fingerprints.font_fingerprint() != before


def test_line_col_counts_lines_from_a_leading_newline():
    assert text_rules._line_col("\nab", 2) == (2, 2)


def test_an_image_of_exactly_20_mb_is_not_too_large(check, tmp_path):
    folder = tmp_path / "lessons" / "les"
    folder.mkdir(parents=True)
    with open(folder / "big.jpg", "wb") as f:
        f.truncate(20 * 1024 * 1024)
    problems = check(
        """\
        title: T
        readings:
          - id: a
            text: Text.
            images:
              - file: big.jpg
                alt: just at the limit
        """
    )
    assert [message for _, _, message in problems] == [
        "image 'big.jpg' cannot be read as an image"  # zeros: but not refused for its size
    ]


LESSON_TEXTS = """\
title: T
central_question: Why [this](a.txt)?
objectives:
  - Plain
  - See [that](b.txt)
readings:
  - id: a
    text: |
      One {#first}line.
      Two {#first}again.
    glossary:
      - term: nowhere
        meaning: not in the text
  - id: b
    file: b.md
    original_file: b-original.md
timeline:
  instructions: Use [the key](c.txt).
  mode: fill
  events:
    - date: 1962
      label: One
      text: About [it](d.txt)
    - date: 1963
      label: Two
"""


def test_lesson_level_texts_of_a_valid_lesson_are_checked_at_their_lines(write_lesson):
    folder = write_lesson(
        "les",
        LESSON_TEXTS,
        {"b.md": "Fine.", "b-original.md": "Original with [a link](e.txt)."},
    )
    _, problems = load_lesson(folder)
    found = [(p.path.name, p.line, p.col, p.severity, p.message[:22]) for p in problems]
    assert found == [
        ("b-original.md", 1, 24, "warning", "the link to 'e.txt' pr"),
        ("lesson.yaml", 2, 19, "warning", "the link to 'a.txt' pr"),
        ("lesson.yaml", 5, 5, "warning", "the link to 'b.txt' pr"),
        ("lesson.yaml", 8, 11, "error", "the anchor {#first} is"),  # in reading a's text
        ("lesson.yaml", 12, 15, "warning", "glossary term 'nowhere"),  # at the term itself
        ("lesson.yaml", 18, 17, "warning", "the link to 'c.txt' pr"),
        ("lesson.yaml", 23, 13, "warning", "the link to 'd.txt' pr"),
    ]


@pytest.mark.parametrize(
    "markdown, line, col",
    [
        ('<a href="x.txt">first</a> in the file', 1, 1),  # at the very start
        ("[a][r] and more\n\n[r]: ref.txt\n", 3, 6),  # a reference: at its definition
        ("Text\n\n[x](a&b.txt)\n", 3, 5),  # written unescaped, printed as a&amp;b
    ],
)
def test_a_refused_link_in_a_file_is_found_however_it_is_written(write_lesson, markdown, line, col):
    folder = write_lesson(
        "les", "title: T\nreadings:\n  - id: a\n    file: a.md\n", {"a.md": markdown}
    )
    _, problems = load_lesson(folder)
    assert [(p.path.name, p.line, p.col) for p in problems] == [("a.md", line, col)]


def test_an_empty_link_is_reported_but_never_at_another_place(write_lesson):
    source = "Some (aside) <text and [x]() here.\n"
    folder = write_lesson(
        "les", "title: T\nreadings:\n  - id: a\n    file: a.md\n", {"a.md": source}
    )
    _, problems = load_lesson(folder)
    assert [p.message[:16] for p in problems] == ["the link to '' p"]
    assert (problems[0].line, problems[0].col) in [(None, None), (1, source.index("()") + 2)]


def test_originals_and_rubrics_are_checked_like_the_other_texts(check):
    problems = check(
        """\
        title: T
        readings:
          - id: a
            text: Modified.
            original: Written [by hand](letter.txt).
          - id: b
            text: Modified.
            original: Inline.
            original_file: b.md
        questions:
          - prompt: Why?
            answer: Because.
            points: 1
            rubric:
              - points: 1
                descriptor: Cites [the letter](letter.txt)
        """,
        {"b.md": "From a file."},
    )
    assert [(line, severity, message[:30]) for line, severity, message in problems] == [
        (5, "warning", "the link to 'letter.txt' print"),
        (6, "error", "reading 'b' has both 'original"),
        (16, "warning", "the link to 'letter.txt' print"),
    ]
    assert problems[1][2] == "reading 'b' has both 'original' and 'original_file'; keep one"


def test_a_link_in_a_block_of_text_is_reported_at_its_own_line(check):
    problems = check(
        """\
        title: T
        central_question: |

          Why did [the crisis](notes.txt) end?
          It ended.
          Then more.
        """
    )
    assert [(line, severity) for line, severity, _ in problems] == [(4, "warning")]
