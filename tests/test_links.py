"""Links in lesson text (SPEC §6): only http:, https:, mailto: and in-page #name links stay
links. Any other target — a relative or absolute path, file:, data:, javascript:, //host —
would become a clickable `file:///...` link (or worse) in the PDF, so it prints as its text
and `lessonpack check` warns at the file and line where it is written.

One lesson carries every form in every kind of field, so a single build checks them all:
the PDFs' link annotations and the --html pages' hrefs are read back."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import pdf_text, write_png
from pypdf import PdfReader

from builder.compose import text
from builder.project import syntax

SLUG = "links"
# form -> (Markdown or HTML with {word} as the link text, the target the warning names)
REFUSED = {
    "attach": ('<a rel="attachment" href="../../../secret.txt">{word}</a>', "../../../secret.txt"),
    "parent": ("[{word}](../notes.txt)", "../notes.txt"),
    "root": ("[{word}](/etc/passwd)", "/etc/passwd"),
    "near": ("[{word}](notes.txt)", "notes.txt"),
    "file": ("[{word}](file:///etc/passwd)", "file:///etc/passwd"),
    "data": ("[{word}](data:text/html,hi)", "data:text/html,hi"),
    "script": ("[{word}](javascript:alert(1))", "javascript:alert(1)"),
}
ALLOWED_URIS = {"https://example.org/treaty", "mailto:teacher@example.org"}
ANCHOR = f"{SLUG}-timeline"  # the timeline section's id on both sheets


def _link(form: str, word: str) -> str:
    return REFUSED[form][0].format(word=word)


def _word(place: str, form: str) -> str:
    return f"{place}{form}word"


# Places that take every form; the student sheet shows all of them but the answer.
READING_FILE = "\n".join(
    [
        "# The treaty",
        "",
        "Allowed: [Webword](https://example.org/treaty), [Mailword](mailto:teacher@example.org)",
        "and [Jumpword](#" + ANCHOR + ").",
        "",
        *(f"Line {_link(form, _word('Rf', form))} ends." for form in REFUSED),
        "",
    ]
)
INLINE_TEXT = "\n".join(f"      {_link(form, _word('Ri', form))} here." for form in REFUSED)
PROMPT = " ".join(_link(form, _word("Qp", form)) for form in REFUSED)
ANSWERS = "\n".join(f"      - '{_link(form, _word('Qa', form))}'" for form in REFUSED)
# Every other Markdown field (SPEC §2) gets one form each.
OTHERS = {
    "Hn": "parent",
    "Gm": "near",
    "Ic": "root",
    "Cq": "file",
    "Ob": "data",
    "Ch": "script",
    "Rd": "attach",
    "Ti": "near",
    "Ev": "parent",
    "So": "root",
}


def _other(place: str) -> str:
    return _link(OTHERS[place], _word(place, OTHERS[place])).replace("'", "''")


LESSON = f"""\
title: Links
central_question: '{_other("Cq")}'
objectives:
  - '{_other("Ob")}'
readings:
  - id: file
    title: From a file
    file: readings/treaty.md
  - id: inline
    title: Inline
    source: '{_other("So")}'
    headnote: '{_other("Hn")}'
    text: |
{INLINE_TEXT}
      A treaty.
    glossary:
      - term: treaty
        meaning: '{_other("Gm")}'
    images:
      - file: map.png
        alt: a map
        caption: '{_other("Ic")}'
questions:
  - prompt: '{PROMPT.replace("'", "''")}'
    answer:
{ANSWERS}
  - prompt: Pick one
    kind: choice
    choices: ['{_other("Ch")}', two]
    answer: B
  - prompt: Explain
    points: 2
    answer: An answer
    rubric:
      - points: 2
        descriptor: '{_other("Rd")}'
timeline:
  instructions: '{_other("Ti")}'
  events:
    - date: "1962"
      label: One
      text: '{_other("Ev")}'
    - date: "1963"
      label: Two
"""


@pytest.fixture
def lesson(write_lesson) -> Path:
    folder = write_lesson(SLUG, LESSON, files={"readings/treaty.md": READING_FILE})
    write_png(folder / "map.png")
    return folder


def _expected_warnings() -> list[tuple[str, int, str]]:
    """(file, line, target) of every refused link, found by its unique link text."""
    expected = []
    for path, source in (
        (f"lessons/{SLUG}/lesson.yaml", LESSON),
        (f"lessons/{SLUG}/readings/treaty.md", READING_FILE),
    ):
        for number, line in enumerate(source.splitlines(), start=1):
            for _place, form in re.findall(rf"\b([A-Z][a-z])({'|'.join(REFUSED)})word\b", line):
                expected.append((path, number, REFUSED[form][1]))
    return expected


def _links_in_pdf(path: Path) -> tuple[set[str], set[str]]:
    """The URIs and the internal destinations of every link annotation in a PDF; fails on
    anything embedded (attachments, file attachment annotations)."""
    reader = PdfReader(path)
    names = reader.trailer["/Root"].get("/Names")
    assert names is None or "/EmbeddedFiles" not in names.get_object()
    assert not reader.attachments
    uris, internal = set(), set()
    for page in reader.pages:
        for ref in page.get("/Annots") or []:
            annot = ref.get_object()
            assert annot.get("/Subtype") != "/FileAttachment"
            if annot.get("/Subtype") != "/Link":
                continue
            action = annot.get("/A") or {}
            if "/URI" in action:
                uris.add(str(action["/URI"]))
            else:
                internal.add(str(annot.get("/Dest") or action.get("/D")))
    return uris, internal


def _hrefs_in_html(path: Path) -> list[str]:
    body = path.read_text(encoding="utf-8").split("<body", 1)[1]
    return re.findall(r"""href\s*=\s*["']?([^"'\s>]*)""", body, flags=re.IGNORECASE)


@pytest.mark.render
def test_refused_links_print_as_text_in_pdfs_and_html(lesson, cli, tmp_path):
    """Every form, in every field: no link annotation, no href, the words still printed;
    web, mail and in-page links keep working."""
    result = cli("build", "--html")
    assert result.exit_code == 0, result.output
    out = tmp_path / "dist" / SLUG
    key_only = ("Qa", "Rd", "Ev")  # answers, rubrics and event details
    both = [_word(p, f) for p in ("Rf", "Ri", "Qp") for f in REFUSED]
    both += [_word(p, f) for p, f in OTHERS.items() if p not in key_only]
    in_key = [_word("Qa", f) for f in REFUSED] + [_word(p, OTHERS[p]) for p in key_only[1:]]
    for sheet in ("student", "key"):
        uris, internal = _links_in_pdf(out / f"{SLUG}-{sheet}.pdf")
        assert uris == ALLOWED_URIS, sheet
        assert internal == {ANCHOR}, sheet
        printed = pdf_text(out / f"{SLUG}-{sheet}.pdf")
        words = both + (in_key if sheet == "key" else [])
        assert [w for w in words if w not in printed] == [], sheet
        assert "Webword" in printed and "Jumpword" in printed
        hrefs = _hrefs_in_html(out / f"{SLUG}-{sheet}.html")
        assert sorted(hrefs) == sorted([*ALLOWED_URIS, f"#{ANCHOR}"]), sheet
        page = (out / f"{SLUG}-{sheet}.html").read_text(encoding="utf-8")
        assert "attachment" not in page
        assert [w for w in words if w not in page] == [], sheet


@pytest.mark.render
def test_check_warns_at_each_refused_link_and_strict_fails(lesson, cli):
    expected = _expected_warnings()
    assert len(expected) == 3 * len(REFUSED) + len(REFUSED) + len(OTHERS)
    result = cli("check")
    assert result.exit_code == 0, result.output
    warnings = [line for line in result.stderr.splitlines() if "prints as plain text" in line]
    for path, line, target in expected:
        assert any(
            w.startswith(f"{path}:{line}:") and f"warning: the link to '{target}'" in w
            for w in warnings
        ), (path, line, target, result.stderr)
    assert len(warnings) == len(expected), result.stderr
    strict = cli("check", "--strict")
    assert strict.exit_code == 1
    assert f"lessons/{SLUG}/readings/treaty.md:6:" in strict.stderr
    assert "error: the link to '../../../secret.txt' prints as plain text" in strict.stderr
    built = cli("build", "--strict")
    assert built.exit_code == 1
    assert "error: the link to 'javascript:alert(1)'" in built.stderr


def test_a_link_in_a_markdown_file_is_reported_at_its_line_and_column(write_lesson, cli):
    write_lesson(
        "cols",
        "title: T\nreadings:\n  - id: a\n    file: a.md\n",
        files={"a.md": "One.\n\nTwo [x](notes.txt) and [y](https://example.org).\n"},
    )
    result = cli("check")
    assert result.exit_code == 0
    assert "lessons/cols/a.md:3:9: warning: the link to 'notes.txt'" in result.stderr
    assert "example.org" not in result.stderr


@pytest.mark.parametrize(
    "written",
    [
        '<a href="HTTP:../x">a</a>',  # not http://: kept, as http (never a file)
        "[a](https://example.org)",
        "[a](HTTPS://EXAMPLE.ORG)",
        "[a](mailto:t@example.org)",
        "[a](#lesson-q1)",
        '<a href="\thttps://example.org">a</a>',
    ],
)
def test_web_mail_and_in_page_links_are_kept(written):
    html = str(text.block(written))
    href = re.search(r'<a href="([^"]*)" rel="noopener noreferrer">a</a>', html)
    assert href, html
    assert href[1].lower().startswith(("http:", "https:", "mailto:", "#"))
    assert syntax.refused_links(written) == []


@pytest.mark.parametrize(
    "written",
    [
        "[a](notes.txt)",
        "[a](./notes.txt)",
        "[a](../notes.txt)",
        "[a](/etc/passwd)",
        "[a](file:///etc/passwd)",
        "[a](FILE:///etc/passwd)",
        "[a](//evil.example/x)",
        "[a](data:text/html,hi)",
        "[a](javascript:alert(1))",
        "[a]( JavaScript:alert(1))",
        "[a](#)",
        "[a][r]\n\n[r]: ../notes.txt",
        "<file:///etc/passwd>",
        '<a href="java&#x09;script:alert(1)">a</a>',
        '<a href="&#x20;javascript:alert(1)">a</a>',
        '<a href="\\\\server\\share">a</a>',
    ],
)
def test_other_targets_print_their_text_and_are_reported(written):
    html = str(text.block(written)) + str(text.inline(written))
    assert "<a" not in html and "href" not in html, html
    shown = "file:///etc/passwd" if written.startswith("<file") else "a"
    assert re.sub(r"<[^>]+>", "", str(text.inline(written))) == shown
    assert len(syntax.refused_links(written)) == 1


def test_a_web_link_is_never_an_attachment():
    html = str(text.block('<a rel="attachment" href="https://example.org/x.pdf">a</a>'))
    assert html == '<p><a href="https://example.org/x.pdf" rel="noopener noreferrer">a</a></p>'


@pytest.mark.parametrize(
    "written",
    [
        '<a name="here">a</a>',
        "<a>a</a>",
        '<a id="x" title="t">a</a>',
        '<a href="../x"><table><tr><td><a href="#y">b</a></td></tr></table></a>',
        '<abbr title="<a href=../x>">a</abbr>',
    ],
)
def test_anchors_without_an_allowed_href_are_unwrapped(written):
    html = str(text.block(written))
    assert "../x" not in html.replace("&lt;a href=../x&gt;", "")
    assert re.findall(r"<a\b[^>]*>", html) in ([], ['<a href="#y" rel="noopener noreferrer">'])
    assert html.count("<a ") == html.count("</a>")
