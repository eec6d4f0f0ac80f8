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


# --- whole sentences, placed exactly (mutation testing, issue 12) -------------------------

NEVER_CLOSED_WHOLE = NEVER_CLOSED + ", or use a `|` block for text with several lines"
ESCAPE = (
    "a \\ inside double quotes starts an escape code such as \\n; write \\\\ for a backslash, "
    "or put the value in single quotes instead"
)
AFTER_QUOTE = (
    'there is text after the closing quote ("): put the quotes around the whole value, '
    'writing a " inside it as \\", or leave the quotes out'
)
COLON_FIX = "a ': ' inside a value ends the key; put the whole value in quotes: "
FORTY = "Thirteen days: a Cuban crisis in October"  # 40 characters: shown whole
FORTY_ONE = "Thirteen days: the Cuba crisis in October"  # 41: cut after 36

# name: (YAML text, (line, col, the whole message) or None when the file loads,
#        the same for the pure-Python parser where it differs)
WHOLE = {
    "key-without-space-in-a-file-with-a-bom": (
        "\ufefftitle:Cuba\nsubtitle: x\n",
        (1, 6, "put a space after the ':' of 'title:'; YAML needs 'name: value'"),
    ),
    "backslash-in-double-quotes": (
        'title: T\nsubtitle: "C:\\dir"\n',
        (2, 14, ESCAPE),
        (2, 15, ESCAPE),
    ),
    "short-hexadecimal-escape": ('title: T\nsubtitle: "\\x4g"\n', (2, 14, ESCAPE)),
    "line-starts-with-percent": (
        "%title: T\n",
        (
            1,
            1,
            "a line cannot start with '%' (YAML reads it as a directive); remove the '%', "
            "or put the text in double quotes",
        ),
    ),
    "text-after-a-pipe": (
        "title: T\nsubtitle: | a pipe\n",
        (
            2,
            11,
            "after '|' or '>' the text must start on the next line, indented; move it there, "
            'or put the whole value in double quotes: subtitle: "| a pipe"',
        ),
    ),
    "two-commas": (
        "title: T\nobjectives: [a, , b]\n",
        (2, 17, "this list has an empty item (two ',' in a row); remove one ','"),
    ),
    "value-starts-with-dash": (
        "title: - x\n",
        (
            1,
            8,
            "a list item ('- ') cannot start on the same line as its field; move it to the "
            "next line and indent it, or, if the value is text, put it in double quotes: "
            'title: "- x"',
        ),
    ),
    "unclosed-quote-then-a-quoted-value": (
        'title: T\nsubtitle: "Thirteen days\nsubject: ""History"\n',
        (2, 11, NEVER_CLOSED_WHOLE),
    ),
    "unclosed-single-quote-before-another": (
        "title: T\nsubtitle: 'Thirteen days\nsubject: 'History'\ngrade: 9\n",
        (
            2,
            11,
            "this quote (') is never closed: add the closing ' at the end of the text, "
            "or use a `|` block for text with several lines",
        ),
    ),
    "closed-quote-on-the-next-line-then-text": (
        'title: T\nsubtitle: "Thirteen\n  days" more\nsubject: x\n',
        (3, 9, AFTER_QUOTE),
    ),
    "unclosed-quote-below-a-tab-after-a-key": (  # libyaml reads the tab as a space
        'title:\tT\nsubtitle: "Thirteen days\nsubject: "History"\ngrade: 9\n',
        (2, 11, NEVER_CLOSED_WHOLE),
        (1, 7, "line 1 has a tab after 'title:'; YAML needs spaces: replace the tab with a space"),
    ),
    "tab-inside-a-value-with-a-colon": (  # libyaml keeps a tab inside a value
        "title: T\nsubtitle: a\tb: c\n",
        (2, 14, COLON_FIX + 'subtitle: "a\tb: c"'),
        (
            2,
            12,
            "line 2 has a tab after 'subtitle: a'; YAML needs spaces: replace the tab with a space",
        ),
    ),
    "tab-after-a-quoted-value-holding-a-tab": (
        "title: T\nsubtitle: 'a\tb'\t\n",
        None,
        (
            2,
            16,
            "line 2 has a tab after 'subtitle: 'a\tb''; YAML needs spaces: replace the tab "
            "with a space",
        ),
    ),
    "tab-after-a-list-item": (
        "title: T\nobjectives:\n  - X\tY\n",
        None,
        (3, 6, "line 3 has a tab after '- X'; YAML needs spaces: replace the tab with a space"),
    ),
    "three-dots-below-the-mistake": (
        "[a]\nb: c\n...",
        (2, 1, "YAML syntax error: did not find expected <document start>"),
        (
            2,
            1,
            "YAML syntax error: expected '<document start>', but found '<block mapping start>'",
        ),
    ),
    "list-item-first-in-a-file-without-a-last-line-break": (
        "- : note\n- b",
        (
            1,
            3,
            "this list item ('- ') is not under a field: indent it below the field it belongs "
            "to (such as 'objectives:')",
        ),
    ),
    "forty-characters-shown-whole": (
        f"title: T\nsubtitle: {FORTY}\n",
        (2, 24, COLON_FIX + f'subtitle: "{FORTY}"'),
    ),
    "forty-one-characters-cut": (
        f"title: T\nsubtitle: {FORTY_ONE}\n",
        (2, 24, COLON_FIX + 'subtitle: "Thirteen days: the Cuba crisis in Oc ..."'),
    ),
}

PARSERS = {"python": yaml.BaseLoader}
if hasattr(yaml, "CBaseLoader"):  # the usual wheels have it
    PARSERS["libyaml"] = yaml.CBaseLoader


@pytest.mark.parametrize("case", WHOLE)
@pytest.mark.parametrize("parser", PARSERS)
def test_each_mistake_gets_its_whole_sentence_at_the_exact_place(
    case, parser, tmp_path, monkeypatch
):
    """Exactly one problem, its whole sentence, its line and column; with both parsers."""
    assert (len(FORTY), len(FORTY_ONE)) == (40, 41)
    monkeypatch.setattr(yamlfile, "_Parser", PARSERS[parser])
    text, expected, *python = WHOLE[case]
    if parser == "python" and python:
        expected = python[0]
    path = tmp_path / "lesson.yaml"
    _write(path, text)
    data, _, problems = yamlfile.read_yaml(path, [tmp_path])
    assert [(p.line, p.col, p.message) for p in problems] == ([expected] if expected else [])
    assert (data is None) == bool(expected)


@pytest.mark.parametrize(
    ("context", "problem"),
    [
        (None, "mapping values are not allowed here"),
        ("while parsing a block mapping", "expected <block end>, but found '<scalar>'"),
        ("while scanning a simple key", "could not find expected ':'"),
        ("while parsing a flow sequence", "expected ',' or ']', but got '<stream end>'"),
        ("while scanning a quoted scalar", "found unexpected end of stream"),
    ],
)
def test_an_error_without_a_position_gives_pyyamls_words_and_no_line(context, problem):
    """No rule can place its sentence without a position: PyYAML's words, never a crash."""
    exc = yaml.MarkedYAMLError(context, None, problem, None)
    expected = f"YAML syntax error: {problem}" + (f" ({context})" if context else "")
    assert explain(exc, "title: T\nsubtitle: a: b\n", yaml.BaseLoader) == (expected, None, None)


def test_an_error_of_no_known_kind_gives_pyyamls_words_on_one_line():
    exc = yaml.YAMLError('something odd\n  happened in "<unicode string>", line 3')
    assert explain(exc, "title: T\n", yaml.BaseLoader) == (
        "YAML syntax error: something odd happened",
        None,
        None,
    )


def test_an_undecodable_byte_gives_pyyamls_words_without_a_position():
    exc = yaml.reader.ReaderError("<unicode string>", 3, b"x", "utf-8", "invalid start byte")
    assert explain(exc, "title: T\n", yaml.BaseLoader) == (
        "YAML syntax error: 'utf-8' codec can't decode byte #x78: invalid start byte",
        None,
        None,
    )


@pytest.mark.parametrize("parser", PARSERS)
@pytest.mark.parametrize("text", ["- Explain\n- \nXhosa: x\n", "- Explain\n-\nsubtitle: x\n"])
def test_a_field_below_an_empty_list_item_is_not_blamed_on_its_first_letter(
    text, parser, tmp_path, monkeypatch
):
    """No rule knows this mistake yet: PyYAML's words at the field, not 'a value cannot
    start with X' (X and s are not characters YAML keeps for itself)."""
    monkeypatch.setattr(yamlfile, "_Parser", PARSERS[parser])
    path = tmp_path / "lesson.yaml"
    _write(path, text)
    _, _, problems = yamlfile.read_yaml(path, [tmp_path])
    assert [(p.line, p.col) for p in problems] == [(3, 1)]
    assert problems[0].message.startswith("YAML syntax error: ")
    assert "node content" in problems[0].message


# --- refusals while reading: each names the file, at the name or value (yamlfile.py) -------


def _read(tmp_path: Path, text: str):
    path = tmp_path / "lesson.yaml"
    _write(path, text)
    data, _, problems = yamlfile.read_yaml(path, [tmp_path])
    return data, [(p.path, p.line, p.col, p.message) for p in problems]


def test_a_field_name_nested_too_deep_is_refused_as_too_deep(tmp_path):
    """A list used as a field name counts its nesting like any value: 'a' inside 32 lists
    inside the root mapping is one level too many, before the name is refused for not
    being text."""
    data, problems = _read(tmp_path, "[" * 32 + "a" + "]" * 32 + ": x\n")
    assert data is None
    assert problems == [
        (tmp_path / "lesson.yaml", 1, 32, "nesting deeper than 32 levels is not allowed")
    ]


def test_a_field_name_of_31_lists_is_refused_as_not_text_at_the_name(tmp_path):
    data, problems = _read(tmp_path, "[" * 31 + "]" * 31 + ": x\n")
    assert problems == [(tmp_path / "lesson.yaml", 1, 1, "a field name must be plain text")]
    assert data == {}


def test_a_field_written_twice_names_the_file(tmp_path):
    data, problems = _read(tmp_path, "title: A\ntitle: B\n")
    assert problems == [
        (
            tmp_path / "lesson.yaml",
            2,
            1,
            "field 'title' appears twice in the same place; keep one",
        )
    ]
    assert data == {"title": "A"}


def test_a_file_refused_before_reading_names_itself(tmp_path):
    """Too large, not UTF-8, linked from outside the project: the problem names the file
    the teacher must change, not some other place."""
    big = tmp_path / "big" / "lesson.yaml"
    _write(big, "title: T\n# " + "x" * yamlfile.MAX_FILE_BYTES + "\n")
    latin = tmp_path / "latin" / "lesson.yaml"
    latin.parent.mkdir()
    latin.write_bytes(b"title: caf\xe9\n")
    outside = tmp_path / "outside.yaml"
    _write(outside, "title: Secret\n")
    project = tmp_path / "project"
    project.mkdir()
    (project / "lesson.yaml").symlink_to(outside)
    for path, root in [
        (big, big.parent),
        (latin, latin.parent),
        (project / "lesson.yaml", project),
    ]:
        data, _, problems = yamlfile.read_yaml(path, [root])
        assert data is None
        assert [(p.path, p.line, p.col, p.severity) for p in problems] == [
            (path, None, None, "error")
        ]
    assert "is outside the lesson project" in problems[0].message


def test_an_unreadable_file_names_itself(tmp_path, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied")

    path = tmp_path / "lesson.yaml"
    _write(path, "title: T\n")
    monkeypatch.setattr(Path, "read_text", refuse)
    _, _, problems = yamlfile.read_yaml(path, [tmp_path])
    assert [(p.path, p.line, p.message) for p in problems] == [
        (path, None, "cannot read file: Permission denied")
    ]


@pytest.mark.parametrize("parser", PARSERS)
def test_a_control_character_names_the_file(parser, tmp_path, monkeypatch):
    """The pure-Python reader refuses it before parsing, libyaml while parsing."""
    monkeypatch.setattr(yamlfile, "_Parser", PARSERS[parser])
    path = tmp_path / "lesson.yaml"
    _write(path, "title: a\x07b\n")
    _, _, problems = yamlfile.read_yaml(path, [tmp_path])
    assert [(p.path, p.line, p.col) for p in problems] == [(path, 1, 9)]
    assert problems[0].message.startswith("the file contains an invisible control character")


def test_lessons_are_read_as_utf8_whatever_the_computers_language(tmp_path):
    """A teacher's computer set to another encoding (an old Windows code page, or the
    plain C locale here) still reads lesson.yaml and reading files as UTF-8."""
    import os
    import subprocess
    import sys

    folder = tmp_path / "lessons" / "revolution"
    folder.mkdir(parents=True)
    (folder / "lesson.yaml").write_text(
        "title: Révolution à Paris — 1789\n"
        "readings:\n  - id: a\n    title: Déclaration\n    file: a.md\n"
        "questions:\n  - prompt: Qu’est-ce que la Bastille?\n    answer: Une prison.\n",
        encoding="utf-8",
    )
    (folder / "a.md").write_text("Les « droits » de l’homme et du citoyen.\n", encoding="utf-8")
    env = {
        **os.environ,
        "LC_ALL": "C",
        "LANG": "C",
        "PYTHONCOERCECLOCALE": "0",  # keep the C locale's ASCII, as Python would not coerce
        "PYTHONUTF8": "0",
        "PYTHONIOENCODING": "utf-8",  # only what is printed; files keep the locale's default
    }
    probe = "import locale; print(locale.getpreferredencoding(False))"
    default = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True)
    assert default.stdout.strip().lower() not in ("utf-8", "utf8")  # the test means something
    done = subprocess.run(
        [sys.executable, "-m", "builder", "list"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        encoding="utf-8",
    )
    assert done.returncode == 0, done.stderr
    assert "revolution  Révolution à Paris — 1789  (1 readings, 1 questions" in done.stdout
