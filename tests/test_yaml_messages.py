"""YAML syntax mistakes a teacher makes get one sentence saying what to do, at the line to
edit (issue 12): a tab is named as a tab, an unclosed quote or bracket points at where it
opens (not the end of the file), a ': ' inside a value shows the value quoted. The same
reader serves lesson.yaml and bundle files, and both of PyYAML's parsers (libyaml's C
one and the pure-Python one) give the same messages."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from builder.project import yamlfile
from builder.project.yaml_messages import explain

INDENTED = "this line is indented differently from the lines above it"
TAB = "is indented with a tab; YAML needs spaces: replace the tab with spaces (two per level)"
NEVER_CLOSED = 'this quote (") is never closed: add the closing " at the end of the text'

# name: (YAML text, "line:col" of the problem, a distinctive part of the message)
CASES = {
    "tab-indents-a-list-item": (
        "title: T\nreadings:\n\t- id: a\n    text: x\n",
        "3:1",
        "line 3 " + TAB,
    ),
    "tab-indents-a-field": ("title: T\ntimeline:\n\ttitle: x\n", "3:1", "line 3 " + TAB),
    "tab-after-dash": ("title: T\nobjectives:\n  -\tExplain it\n", "3:4", "line 3 " + TAB),
    "tab-after-dash-space": ("title: T\nobjectives:\n  - \tExplain\n", "3:5", "line 3 " + TAB),
    "tab-after-spaces": ("title: T\ntimeline:\n  \tmode: fill\n", "3:3", "line 3 " + TAB),
    "tab-in-a-list-item": ("title: T\nreadings:\n  - id: a\n  \ttext: x\n", "4:3", "line 4 " + TAB),
    "tab-in-a-text-block": ("title: T\nreadings:\n  - text: |\n\tOne\n", "4:1", "line 4 " + TAB),
    "unclosed-double-quote": (
        'title: T\nsubtitle: "Thirteen days\nsubject: History\ngrade: 9\nduration: 50\n',
        "2:11",
        NEVER_CLOSED + ", or use a `|` block for text with several lines",
    ),
    "unclosed-single-quote": (
        "title: T\nsubtitle: 'Thirteen days\nsubject: History\ngrade: 9\nduration: 50\n",
        "2:11",
        "this quote (') is never closed: add the closing ' at the end of the text",
    ),
    "unclosed-quote-before-another-quote": (
        'title: T\nsubtitle: "Thirteen days\nsubject: "History"\ngrade: 9\n',
        "2:11",
        NEVER_CLOSED,
    ),
    "unclosed-quote-in-a-list": (
        'title: T\nobjectives:\n  - "Explain\n  - "Compare"\n  - Judge\n',
        "3:5",
        NEVER_CLOSED,
    ),
    "colon-in-a-value": (
        "title: T\nreadings:\n  - id: a\n    source: Speech: the full text\n    text: x\n",
        "4:19",
        "a ': ' inside a value ends the key; put the whole value in quotes: "
        'source: "Speech: the full text"',
    ),
    "colon-in-a-value-with-quotes": (
        'title: T\nsubtitle: He said "no": the end\n',
        "2:23",
        """put the whole value in quotes: subtitle: 'He said "no": the end'""",
    ),
    "colon-in-a-list-item": (
        "title: T\nobjectives:\n  - Explain: the causes: all of them\n",
        "3:24",
        'put the whole value in quotes: - "Explain: the causes: all of them"',
    ),
    "list-item-less-indented": ("title: T\nobjectives:\n  - a\n - b\n", "4:2", INDENTED),
    "field-less-indented": ("title: T\ntimeline:\n  title: x\n mode: fill\n", "4:2", INDENTED),
    "field-more-indented": ("title: T\ntimeline:\n  title: x\n    mode: fill\n", "4:5", INDENTED),
    "top-field-indented": ("title: T\n  subtitle: x\n", "2:3", INDENTED),
    "item-field-less-indented": ("title: T\nreadings:\n  - id: a\n   text: x\n", "4:4", INDENTED),
    "item-field-more-indented": ("title: T\nreadings:\n  - id: a\n     text: x\n", "4:6", INDENTED),
    "text-block-line-less-indented": (
        "title: T\nreadings:\n  - id: a\n    text: |\n      One\n    two\n",
        "6:5",
        "this line is neither a field ('name: value') nor a list item ('- '); if it "
        "continues the text above, indent it as far as that text",
    ),
    "list-item-among-fields": (
        "title: T\n- Explain\nsubtitle: x\n",
        "2:1",
        "this list item ('- ') is not under a field: indent it below the field it belongs to",
    ),
    "field-at-the-dash-column": (
        "title: T\nreadings:\n  - id: a\n    text: x\n  subtitle: y\n",
        "5:3",
        "this line lines up with the '- ' of the list item on line 3 but does not start with '- '",
    ),
    "stray-bracket": (
        "title: T\nsubtitle: [draft\nsubject: History\n",
        "2:11",
        "this '[' is never closed: add the closing ']' where the list ends, or, if the value "
        'is text, put all of it in double quotes: subtitle: "[draft"',
    ),
    "stray-brace": (
        "title: T\nsubtitle: {draft\nsubject: History\n",
        "2:11",
        "this '{' is never closed: add the closing '}'",
    ),
    "unclosed-bracket-at-the-end": ("title: T\nobjectives: [a, b\n", "2:13", "this '[' is never"),
    "unclosed-choices": (
        "title: T\nquestions:\n  - prompt: Which?\n    kind: choice\n"
        "    choices: [Cuba, Turkey\n    answer: A\n",
        "5:14",
        "this '[' is never closed",
    ),
    "one-bracket-too-many": ("title: T\nobjectives: [a, b]]\n", "2:19", "one ']' too many"),
    "text-after-brackets": (
        "title: T\nsubtitle: [Draft] version two\n",
        "2:19",
        'put all of it in double quotes: subtitle: "[Draft] version two"',
    ),
    "two-commas": ("title: T\nobjectives: [a, , b]\n", "2:17", "two ',' in a row"),
    "value-starts-with-bracket": (
        "title: T\nsubtitle: ]draft\n",
        "2:11",
        "a value cannot start with ']'; put the whole value in double quotes: subtitle: \"]draft\"",
    ),
    "value-starts-with-at": (
        "title: T\nsubtitle: @home\n",
        "2:11",
        "a value cannot start with '@'; put the whole value in double quotes: subtitle: \"@home\"",
    ),
    "value-starts-with-backtick": ("title: T\nsubtitle: `x`\n", "2:11", "cannot start with '`'"),
    "value-starts-with-percent": ("title: T\nsubtitle: %50\n", "2:11", "cannot start with '%'"),
    "line-starts-with-percent": (
        "%title: T\n",
        "1:1",
        "a line cannot start with '%' (YAML reads it as a directive)",
    ),
    "directive-line": ("%YAML 1.1\ntitle: T\n", "1:1", "is a YAML directive; remove the line"),
    "value-starts-with-star": (
        "title: T\nsubtitle: *important* point\n",
        "2:11",
        "a value cannot start with '*' (YAML reads it as an alias); put the whole value in "
        'double quotes: subtitle: "*important* point"',
    ),
    "value-starts-with-ampersand": (
        "title: T\nsubtitle: & more\n",
        "2:11",
        "a value cannot start with '&' (YAML reads it as an anchor)",
    ),
    "value-starts-with-dash": ("title: - x\n", "1:8", "a list item ('- ') cannot start on the"),
    "text-after-a-pipe": ("title: T\nsubtitle: | a pipe\n", "2:11", "after '|' or '>' the text"),
    "text-after-closing-quote": (
        'title: "Cuba" crisis\n',
        "1:15",
        'there is text after the closing quote ("): put the quotes around the whole value, '
        'writing a " inside it as \\", or leave the quotes out',
    ),
    "apostrophe-in-single-quotes": (
        "title: T\nsubtitle: 'Kennedy's speech'\n",
        "2:20",
        "writing a ' inside it as ''",
    ),
    "no-space-after-colon": (
        "title:Cuba\nsubtitle: x\n",
        "1:6",
        "put a space after the ':' of 'title:'; YAML needs 'name: value'",
    ),
    "three-dots-line": ("title: T\n...\nsubtitle: x\n", "2:1", "'...' on a line of its own"),
    "line-starts-with-colon": ("title: T\n: x\n", "2:1", "this line starts with ':'"),
    "control-character": (
        "title: T\nsubtitle: a\x07b\n",
        "2:12",
        "the file contains an invisible control character (U+0007) that YAML does not allow",
    ),
    "unknown-message-is-tidied": (
        "title: !<>\n",
        "1:10",
        "YAML syntax error: did not find expected tag URI (while parsing a tag)",
    ),
    # refused before this issue; their messages stay
    "alias": ("title: &t Cuba\nsubtitle: *t\n", "1:8", "anchors and aliases (&name, *name) are"),
    "tag": ("title: !!python/object/apply:os.system [x]\n", "1:8", "YAML tag 'tag:yaml.org,2002"),
}

# where the pure-Python parser words or places a mistake differently from libyaml
PYTHON_PARSER = {
    "unknown-message-is-tidied": ("1:10", "YAML syntax error: expected URI, but found '>'"),
}
PYTHON_ONLY = {  # libyaml accepts a tab after `key:`; the pure-Python parser does not
    "tab-after-key": ("title:\tCuba\n", "1:7", "line 1 has a tab after 'title:'; YAML needs"),
    "tab-after-nested-key": ("title: T\ntimeline:\n  title:\tx\n", "3:9", "after 'title:'"),
}


def _write(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode("utf-8"))  # exactly these bytes: tabs, CR, BOM


@pytest.mark.parametrize("case", CASES)
@pytest.mark.parametrize("kind", ["lesson", "bundle"])
def test_check_names_the_mistake_at_the_line_to_edit(case, kind, write_lesson, tmp_path, cli):
    """`lessonpack check` exits 1 and prints `path:line:col: error: message` on one line."""
    text, position, message = CASES[case]
    if kind == "lesson":
        write_lesson("bad", "title: T\n")
        shown = "lessons/bad/lesson.yaml"
    else:
        write_lesson("good", "title: T\n")
        shown = "lessons/week3.bundle.yaml"
    _write(tmp_path / shown, text)
    result = cli("check")
    assert result.exit_code == 1, result.output
    lines = [line for line in result.stderr.splitlines() if line.startswith(shown)]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith(f"{shown}:{position}: error: "), lines[0]
    assert message in lines[0]
    assert "Traceback" not in result.output + result.stderr
    assert "<unicode string>" not in lines[0]


@pytest.mark.parametrize("case", [*CASES, *PYTHON_ONLY])
def test_the_pure_python_parser_gives_the_same_messages(case, tmp_path, monkeypatch):
    """Without libyaml lessonpack reads with PyYAML's own parser, which words its errors
    differently; the teacher's message must not change."""
    monkeypatch.setattr(yamlfile, "_Parser", yaml.BaseLoader)
    text, position, message = {**CASES, **PYTHON_ONLY}[case]
    position, message = PYTHON_PARSER.get(case, (position, message))
    path = tmp_path / "lesson.yaml"
    _write(path, text)
    _, _, problems = yamlfile.read_yaml(path, [tmp_path])
    assert len(problems) == 1, problems
    assert f"{problems[0].line}:{problems[0].col}" == position
    assert message in problems[0].message


@pytest.mark.skipif(not hasattr(yaml, "CBaseLoader"), reason="PyYAML was built without libyaml")
@pytest.mark.parametrize("case", PYTHON_ONLY)
def test_libyaml_reads_a_tab_after_a_key_as_a_space(case, tmp_path):
    path = tmp_path / "lesson.yaml"
    _write(path, PYTHON_ONLY[case][0])
    data, _, problems = yamlfile.read_yaml(path, [tmp_path])
    assert problems == []
    assert data["title"] in ("Cuba", "T")


GOOD = "title: Cuba\nobjectives:\n  - Explain the crisis\nreadings:\n  - id: a\n    text: One.\n"


@pytest.mark.parametrize(
    "text",
    [GOOD, GOOD.replace("\n", "\r\n"), "\ufeff" + GOOD, "\ufeff" + GOOD.replace("\n", "\r\n")],
    ids=["plain", "crlf", "bom", "bom-crlf"],
)
def test_windows_line_endings_and_a_bom_load_cleanly(text, write_lesson, tmp_path, cli):
    write_lesson("good", "title: T\n")
    path = tmp_path / "lessons" / "good" / "lesson.yaml"
    _write(path, text)
    data, smap, problems = yamlfile.read_yaml(path, [tmp_path])
    assert problems == []
    assert data == {
        "title": "Cuba",
        "objectives": ["Explain the crisis"],
        "readings": [{"id": "a", "text": "One."}],
    }
    assert smap.key(("readings", 0, "text")) == (6, 5)
    result = cli("check")
    assert result.exit_code == 0, result.output


def test_a_tab_is_found_in_a_file_with_a_bom_and_windows_line_endings(write_lesson, tmp_path, cli):
    write_lesson("bad", "title: T\n")
    _write(tmp_path / "lessons/bad/lesson.yaml", "\ufefftitle: T\r\nreadings:\r\n\t- id: a\r\n")
    result = cli("check")
    assert result.exit_code == 1
    assert f"lessons/bad/lesson.yaml:3:1: error: line 3 {TAB}" in result.stderr


@pytest.mark.parametrize(
    ("kind", "shown", "message"),
    [
        ("lesson", "lessons/bad/lesson.yaml:1:1", "a lesson file must be a set of fields"),
        ("bundle", "lessons/week3.bundle.yaml:1:1", "a bundle file must be a set of fields"),
    ],
)
def test_a_file_holding_only_a_list_says_fields_are_needed(
    kind, shown, message, write_lesson, tmp_path, cli
):
    write_lesson("bad" if kind == "lesson" else "good", "title: T\n")
    path = "lessons/bad/lesson.yaml" if kind == "lesson" else "lessons/week3.bundle.yaml"
    _write(tmp_path / path, "- Explain\n- Compare\n")
    result = cli("check")
    assert result.exit_code == 1
    assert f"{shown}: error: {message}" in result.stderr


def test_an_unknown_message_falls_back_to_pyyamls_words_on_one_line():
    mark = yaml.Mark("<unicode string>", 12, 1, 3, None, None)
    exc = yaml.MarkedYAMLError(
        "while doing something", mark, 'found a surprise\n  in "<unicode string>", line 2', mark
    )
    message, line, col = explain(exc, "a: b\nc: d\n", yaml.BaseLoader)
    assert message == "YAML syntax error: found a surprise (while doing something)"
    assert (line, col) == (2, 4)
