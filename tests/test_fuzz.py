"""Any lesson file gives a lesson or located problems, never a crash (hypothesis)."""

from __future__ import annotations

from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from builder import load_lesson
from builder.errors import Problem

FIELDS = [
    "title",
    "subtitle",
    "readings",
    "questions",
    "timeline",
    "id",
    "text",
    "prompt",
    "kind",
    "points",
    "lines",
    "answer",
    "choices",
    "events",
    "date",
    "label",
    "mode",
    "glossary",
    "term",
    "meaning",
    "language",
    "objectives",
    "qustions",
]
scalars = st.one_of(
    st.sampled_from(
        [
            "yes",
            "no",
            "true",
            "2",
            "-44",
            "1962-02-30",
            "1962-10",
            "essay",
            "order",
            "choice",
            "",
            "~",
            "null",
            "{{ 7*7 }}",
            "A",
            "0",
            "31",
        ]
    ),
    st.text(max_size=12),
)
values = st.recursive(
    scalars,
    lambda children: st.one_of(
        st.lists(children, max_size=4),
        st.dictionaries(st.sampled_from(FIELDS), children, max_size=5),
    ),
    max_leaves=25,
)
lessons = st.dictionaries(st.sampled_from(FIELDS), values, max_size=7)


def _check(folder: Path, text: str) -> None:
    (folder / "lesson.yaml").write_text(text, encoding="utf-8")
    source, problems = load_lesson(folder)
    assert all(isinstance(p, Problem) and p.message for p in problems)
    # every problem inside the file says where; only whole-file ones may not
    assert all(p.line is not None for p in problems if p.message != "the file is empty")
    if source is None:
        assert any(p.severity == "error" for p in problems)
    else:
        from builder.compose.assemble import assemble

        assemble(source)


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(data=lessons)
def test_structured_lessons_never_crash(tmp_path, data):
    import yaml

    folder = tmp_path / "lesson"
    folder.mkdir(exist_ok=True)
    _check(folder, yaml.safe_dump(data, allow_unicode=True))


PIECES = [*"ab:- \n\t'\"[]{}&*!#|>%@`,?0", "title: ", "\n  - ", "questions:", "- prompt: x"]


@settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(pieces=st.lists(st.sampled_from(PIECES), max_size=40))
def test_arbitrary_text_never_crashes(tmp_path, pieces):
    folder = tmp_path / "lesson"
    folder.mkdir(exist_ok=True)
    _check(folder, "".join(pieces))
