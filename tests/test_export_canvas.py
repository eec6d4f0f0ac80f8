"""The Canvas package (export/canvas.py) read back as Canvas's importer would: unzipped,
its manifest followed to each assessment, every assessment held to the IMS QTI 1.2.1 ASI
DTD's rules for the elements it uses, and each question checked for what a teacher
would notice in Canvas: its type, its right answer, its points, answers kept out of
the question text, pictures that show, text in any script, no script from the lesson."""

from __future__ import annotations

import io
import re
import xml.etree.ElementTree as ET
import zipfile
from dataclasses import replace
from html import unescape

import pytest
from conftest import SAMPLE, lesson_view, write_png, write_small_lesson

from builder import load_lesson
from builder.export.canvas import TEXT_LIMIT, canvas_package
from builder.export.quiz import Choice, Item, Quiz, quiz

QTI = "{http://www.imsglobal.org/xsd/ims_qtiasiv1p2}"
CP = "{http://www.imsglobal.org/xsd/imsccv1p1/imscp_v1p1}"
CANVAS = "{http://canvas.instructure.com/xsd/cccv1p0}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
XSI = "{http://www.w3.org/2001/XMLSchema-instance}"

# --- the DTD's rules for the elements the export writes -------------------------------
# Transcribed from ims_qtiasiv1p2p1.dtd (IMS QTI 1.2.1 ASI; the public
# instructure/QTIMigrationTool keeps it in schemas/): each element's content model as
# the DTD writes it, and its declared attributes: `name!` is #REQUIRED, `name=(A|B)` an
# enumeration. An element missing here is itself a failure, so the table covers all.
DTD = {
    "questestinterop": ("(qticomment? , (objectbank | assessment | (section | item)+))", ""),
    "assessment": (
        "(qticomment? , duration? , qtimetadata* , objectives* , assessmentcontrol* , rubric* ,"
        " presentation_material? , outcomes_processing* , assessfeedback* ,"
        " selection_ordering? , reference? , (sectionref | section)+)",
        "ident! title xml:lang",
    ),
    "section": (
        "(qticomment? , duration? , qtimetadata* , objectives* , sectioncontrol* , rubric* ,"
        " presentation_material? , outcomes_processing* , sectionfeedback* ,"
        " selection_ordering? , reference? , (itemref | item | sectionref | section)*)",
        "ident! title xml:lang",
    ),
    "item": (
        "(qticomment? , duration? , itemmetadata? , objectives* , itemcontrol* ,"
        " (itemrubric | rubric)* , presentation? , resprocessing* , itemfeedback* , reference?)",
        "maxattempts label ident! title xml:lang",
    ),
    "itemmetadata": (
        "(qtimetadata* , qmd_computerscored? , qmd_feedbackpermitted? , qmd_hintspermitted? ,"
        " qmd_itemtype? , qmd_levelofdifficulty? , qmd_maximumscore? , qmd_renderingtype* ,"
        " qmd_responsetype* , qmd_scoringpermitted? , qmd_solutionspermitted? , qmd_status? ,"
        " qmd_timedependence? , qmd_timelimit? , qmd_toolvendor? , qmd_topic? ,"
        " qmd_weighting? , qmd_material* , qmd_typeofsolution?)",
        "",
    ),
    "qtimetadata": ("(vocabulary? , qtimetadatafield+)", ""),
    "qtimetadatafield": ("(fieldlabel , fieldentry)", "xml:lang"),
    "fieldlabel": ("(#PCDATA)", ""),
    "fieldentry": ("(#PCDATA)", ""),
    "presentation": (
        "(qticomment? , (flow | (material | response_lid | response_xy | response_str |"
        " response_num | response_grp)+))",
        "label xml:lang y0 x0 width height",
    ),
    "material": (
        "(qticomment? , (mattext | matemtext | matimage | mataudio | matvideo | matapplet |"
        " matapplication | matref | matbreak)+ , altmaterial*)",
        "label xml:lang",
    ),
    "mattext": (
        "(#PCDATA)",
        "texttype label charset uri xml:space=(preserve|default) xml:lang entityref width"
        " height y0 x0",
    ),
    "response_lid": (
        "((material | material_ref)? , (render_choice | render_hotspot | render_slider |"
        " render_fib) , (material | material_ref)?)",
        "rcardinality=(Single|Multiple|Ordered) rtiming=(Yes|No) ident!",
    ),
    "response_str": (
        "((material | material_ref)? , (render_choice | render_hotspot | render_slider |"
        " render_fib) , (material | material_ref)?)",
        "rcardinality=(Single|Multiple|Ordered) ident! rtiming=(Yes|No)",
    ),
    "render_choice": (
        "((material | material_ref | response_label | flow_label)* , response_na?)",
        "shuffle=(Yes|No) minnumber maxnumber",
    ),
    "render_fib": (
        "((material | material_ref | response_label | flow_label)* , response_na?)",
        "encoding fibtype=(String|Integer|Decimal|Scientific) rows maxchars"
        " prompt=(Box|Dashline|Asterisk|Underline) columns charset maxnumber minnumber",
    ),
    "response_label": (
        "(#PCDATA | qticomment | material | material_ref | flow_mat)*",
        "rshuffle=(Yes|No) rarea=(Ellipse|Rectangle|Bounded) rrange=(Exact|Range) labelrefid"
        " ident! match_group match_max",
    ),
    "resprocessing": ("(qticomment? , outcomes , respcondition+)", "scoremodel"),
    "outcomes": ("(qticomment? , (decvar , interpretvar*)+)", ""),
    "decvar": (
        "(#PCDATA)",
        "varname vartype=(Integer|String|Decimal|Scientific|Boolean|Enumerated|Set)"
        " defaultval minvalue maxvalue members cutvalue",
    ),
    "respcondition": (
        "(qticomment? , conditionvar , setvar* , displayfeedback*)",
        "continue=(Yes|No) title",
    ),
    "conditionvar": (
        "(not | and | or | unanswered | other | varequal | varlt | varlte | vargt | vargte |"
        " varsubset | varinside | varsubstring | durequal | durlt | durlte | durgt | durgte)+",
        "",
    ),
    "varequal": ("(#PCDATA)", "case=(Yes|No) respident! index"),
    "other": ("(#PCDATA)", ""),
    "setvar": ("(#PCDATA)", "varname action=(Set|Add|Subtract|Multiply|Divide)"),
    "displayfeedback": ("(#PCDATA)", "feedbacktype=(Response|Solution|Hint) linkrefid!"),
    "itemfeedback": (
        "((flow_mat | material) | solution | hint)+",
        "view=(All|Administrator|AdminAuthority|Assessor|Author|Candidate|InvigilatorProctor"
        "|Psychometrician|Scorer|Tutor) ident! title",
    ),
    "flow_mat": ("(qticomment? , (flow_mat | material | material_ref)+)", "class"),
}


def _content(model: str) -> tuple[re.Pattern | None, bool]:
    """A content model as a regex over the child names, each followed by ";" (None for
    text only), and whether text may sit between the children (mixed content)."""
    model = re.sub(r"\s+", "", model)
    if model == "(#PCDATA)":
        return None, True
    mixed = model.startswith("(#PCDATA|")
    symbols = {"(": "(?:", ",": ""}
    regex = re.sub(
        r"[A-Za-z_]\w*|[(,]",
        lambda m: symbols.get(m[0], f"(?:{m[0]};)"),
        model.replace("#PCDATA|", ""),
    )
    return re.compile(regex), mixed


def _attributes(spec: str) -> tuple[dict[str, set[str] | None], set[str]]:
    declared, required = {}, set()
    for word in spec.split():
        name, _, values = word.partition("=")
        if name.endswith("!"):
            name = name[:-1]
            required.add(name)
        declared[name] = set(values.strip("()").split("|")) if values else None
    return declared, required


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def dtd_problems(root: ET.Element) -> list[str]:
    """What in an assessment breaks the DTD's rules for its elements (element order and
    counts, text where only elements go, required, undeclared and mistyped attributes),
    its default namespace and schema location set aside."""
    problems = []
    if _local(root.tag) != "questestinterop":
        problems.append(f"the root is <{_local(root.tag)}>")

    def visit(node: ET.Element, path: str) -> None:
        name = _local(node.tag)
        if name not in DTD:
            problems.append(f"{path}: <{name}> is not an element the table knows")
            return
        model, spec = DTD[name]
        pattern, mixed = _content(model)
        children = "".join(f"{_local(c.tag)};" for c in node)
        if pattern is None and len(node):
            problems.append(f"{path}: holds elements where the DTD allows text only")
        if pattern is not None and not pattern.fullmatch(children):
            problems.append(f"{path}: children {children!r} do not follow {model}")
        texts = [node.text or ""] + [c.tail or "" for c in node]
        if not mixed and any(t.strip() for t in texts):
            problems.append(f"{path}: text where the DTD allows elements only")
        declared, required = _attributes(spec)
        attrs = {
            ("xml:lang" if k == XML_LANG else k): v
            for k, v in node.attrib.items()
            if not k.startswith(XSI)
        }
        for attr in required - attrs.keys():
            problems.append(f"{path}: lacks the required attribute {attr}")
        for attr, value in attrs.items():
            if attr not in declared:
                problems.append(f"{path}: {attr} is not declared for <{name}>")
            elif declared[attr] is not None and value not in declared[attr]:
                problems.append(f"{path}: {attr}={value!r} is not one of {declared[attr]}")
        for index, child in enumerate(node):
            visit(child, f"{path}/{_local(child.tag)}[{index}]")

    visit(root, _local(root.tag))
    return problems


# --- reading a package back -----------------------------------------------------------


class Package:
    """An unzipped package: its files, manifest, and each quiz's assessment and meta,
    found the way Canvas finds them (manifest resource -> file, dependency -> meta)."""

    def __init__(self, data: bytes):
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            self.infos = archive.infolist()
            self.files = {info.filename: archive.read(info) for info in self.infos}
        self.manifest = ET.fromstring(self.files["imsmanifest.xml"])
        resources = {r.get("identifier"): r for r in self.manifest.iter(f"{CP}resource")}
        self.quizzes = []
        for resource in resources.values():
            if resource.get("type") != "imsqti_xmlv1p2":
                continue
            href = resource.find(f"{CP}file").get("href")
            meta = resources[resource.find(f"{CP}dependency").get("identifierref")]
            assert (
                meta.get("type") == "associatedcontent/imscc_xmlv1p1/learning-application-resource"
            )
            meta_href = meta.find(f"{CP}file").get("href")
            assert meta_href == f"{resource.get('identifier')}/assessment_meta.xml"
            assessment = ET.fromstring(self.files[href])
            assert dtd_problems(assessment) == []
            self.quizzes.append((assessment, ET.fromstring(self.files[meta_href])))
        self.webcontent = {
            r.find(f"{CP}file").get("href")
            for r in resources.values()
            if r.get("type") == "webcontent"
        }

    def items(self, n: int = 0) -> list[ET.Element]:
        return list(self.quizzes[n][0].iter(f"{QTI}item"))


def field(item: ET.Element, label: str) -> str:
    for entry in item.iter(f"{QTI}qtimetadatafield"):
        if entry.findtext(f"{QTI}fieldlabel") == label:
            return entry.findtext(f"{QTI}fieldentry")
    raise AssertionError(f"no {label} in {item.get('title')}")


def question_html(item: ET.Element) -> str:
    """What a student sees as the question: the presentation's texts."""
    return "\n".join(m.text or "" for m in item.find(f"{QTI}presentation").iter(f"{QTI}mattext"))


def stem(item: ET.Element) -> str:
    """The question text alone (Canvas's question_text)."""
    return item.findtext(f"{QTI}presentation/{QTI}material/{QTI}mattext")


def general_feedback(item: ET.Element) -> str | None:
    for feedback in item.iter(f"{QTI}itemfeedback"):
        if feedback.get("ident") == "general_fb":
            return "".join(m.text or "" for m in feedback.iter(f"{QTI}mattext"))
    return None


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", unescape(re.sub(r"<[^>]+>", " ", html))).strip()


def by_title(package: Package, title: str) -> ET.Element:
    return next(i for i in package.items() if i.get("title") == title)


def lesson_quiz(folder, feedback: bool = True) -> Quiz:
    source, _ = load_lesson(folder)
    return quiz(lesson_view(source), source.folder, feedback)


def export(quizzes: list[Quiz]) -> tuple[Package, list[tuple[str, str]]]:
    warnings: list[tuple[str, str]] = []
    data = canvas_package(quizzes, lambda q, item, message: warnings.append((item.source, message)))
    return Package(data), warnings


@pytest.fixture(scope="module")
def sample() -> Quiz:
    source, _ = load_lesson(SAMPLE)
    return quiz(lesson_view(source), source.folder)


EVERY_KIND = """\
title: Every kind of question
readings:
  - id: blockade
    title: The line at sea
    source: Written for the tests
    text: The blockade began on October 24, 1962, and ships stopped at the line.
    images:
      - file: images/line map.png
        alt: A map of the blockade line
questions:
  - id: q1
    reading: blockade
    prompt: When did the blockade begin?
    kind: choice
    choices: [May 1961, October 1962, June 1963]
    answer: B
    points: 2
  - id: q2
    prompt: Kennedy called the blockade a quarantine.
    kind: truefalse
    answer: true
  - id: q3
    group: Writing
    prompt: Why a blockade rather than an air strike?
    kind: long
    points: 4
    answer: [Gives Khrushchev time to back down, Avoids killing Soviet soldiers]
    rubric:
      - points: 4
        descriptor: Names both reasons with evidence.
      - points: 1
        descriptor: Names one reason.
  - id: q4
    prompt: Why was it called a quarantine?
    answer: The word sounded less warlike than blockade.
    points: 2
timeline:
  title: Match the years
  mode: match
  events:
    - date: 1957
      label: Sputnik 1
    - date: 1961
      label: Bay of Pigs
    - date: 1962
      label: The blockade
"""


@pytest.fixture
def every_kind(write_lesson):
    folder = write_lesson("every-kind", EVERY_KIND)
    (folder / "images").mkdir()
    write_png(folder / "images" / "line map.png", 30, 10)
    return folder


# --- the package and its structure ----------------------------------------------------


def test_the_sample_is_one_quiz_whose_items_follow_the_dtd(sample):
    package, warnings = export([sample])
    assert warnings == []
    assert len(package.quizzes) == 1
    assessment, meta = package.quizzes[0]
    ident = assessment.find(f"{QTI}assessment").get("ident")
    assert ident == sample.ident
    assert f"{ident}/{ident}.xml" in package.files
    assert meta.findtext(f"{CANVAS}title") == "Origins of the Cuban Missile Crisis"
    assert meta.get("identifier") == ident
    kinds = [field(i, "question_type") for i in package.items()]
    assert kinds[:2] == ["text_only_question", "essay_question"]  # Document A, then Q1
    assert kinds.count("text_only_question") == 2
    assert kinds.count("multiple_choice_question") == 1
    assert kinds[-1] == "matching_question"  # the timeline
    assert kinds.count("essay_question") == 8 + 4  # written questions and organizers
    assert all(i.get(XML_LANG) == "en" for i in package.items())
    menus = package.items()[-1].find(f"{QTI}presentation").findall(f"{QTI}response_lid")
    assert len(menus) == 10  # order mode: each event to its position 1…10
    for menu in menus:
        labels = [m.text for m in menu.find(f"{QTI}render_choice").iter(f"{QTI}mattext")]
        assert labels == [str(n) for n in range(1, 11)]


def test_the_dtd_check_fails_on_a_misordered_item_and_a_missing_ident(sample):
    package, _ = export([sample])
    assessment = package.quizzes[0][0]
    item = next(assessment.iter(f"{QTI}item"))
    metadata = item.find(f"{QTI}itemmetadata")
    item.remove(metadata)
    item.append(metadata)  # itemmetadata after presentation
    del item.attrib["ident"]
    problems = dtd_problems(assessment)
    assert any("do not follow" in p for p in problems), problems
    assert any("lacks the required attribute ident" in p for p in problems), problems


def test_each_kind_has_its_canvas_type_right_answer_and_points(every_kind):
    made = lesson_quiz(every_kind)
    package, warnings = export([made])
    assert warnings == []
    kinds = {i.get("title"): field(i, "question_type") for i in package.items()}
    assert kinds == {
        "Document A: The line at sea": "text_only_question",
        "Question 1": "multiple_choice_question",
        "Question 2": "true_false_question",
        "Writing — Question 3": "essay_question",
        "Writing — Question 4": "essay_question",
        "Match the years": "matching_question",
    }
    points = {i.get("title"): field(i, "points_possible") for i in package.items()}
    assert points == {
        "Document A: The line at sea": "0",
        "Question 1": "2",
        "Question 2": "1",  # true/false without points counts 1
        "Writing — Question 3": "4",
        "Writing — Question 4": "2",
        "Match the years": "3",
    }
    assert package.quizzes[0][1].findtext(f"{CANVAS}points_possible") == "12" == str(made.points)

    def right_answer(item):
        labels = {
            label.get("ident"): text_of(label.findtext(f".//{QTI}mattext"))
            for label in item.iter(f"{QTI}response_label")
        }
        scored = [c for c in item.iter(f"{QTI}respcondition") if c.find(f"{QTI}setvar") is not None]
        assert len(scored) == 1
        setvar = scored[0].find(f"{QTI}setvar")
        assert (setvar.get("action"), setvar.text, setvar.get("varname")) == ("Set", "100", "SCORE")
        varequal = scored[0].find(f"{QTI}conditionvar/{QTI}varequal")
        assert varequal.get("respident") == "response1"
        return labels[varequal.text], sorted(labels.values())

    choice = by_title(package, "Question 1")
    assert right_answer(choice) == ("October 1962", ["June 1963", "May 1961", "October 1962"])
    assert right_answer(by_title(package, "Question 2")) == ("True", ["False", "True"])
    essay = by_title(package, "Writing — Question 4")
    assert essay.find(f".//{QTI}response_str/{QTI}render_fib") is not None


def test_the_timeline_is_a_canvas_matching_question(every_kind):
    package, _ = export([lesson_quiz(every_kind)])
    item = by_title(package, "Match the years")
    rows = item.find(f"{QTI}presentation").findall(f"{QTI}response_lid")
    assert len(rows) == 3
    scoring = {
        c.find(f".//{QTI}varequal").get("respident"): c
        for c in item.iter(f"{QTI}respcondition")
        if c.find(f".//{QTI}varequal") is not None
    }
    matched = {}
    for row in rows:
        left = row.findtext(f"{QTI}material/{QTI}mattext")
        labels = {
            label.get("ident"): label.findtext(f".//{QTI}mattext")
            for label in row.iter(f"{QTI}response_label")
        }
        assert all(ident.isdigit() for ident in labels)  # Canvas reads the number
        events = sorted(re.sub(r"^[A-C]\. ", "", text) for text in labels.values())
        assert events == ["Bay of Pigs", "Sputnik 1", "The blockade"]  # "B. Bay of Pigs"
        condition = scoring[row.get("ident")]
        setvar = condition.find(f"{QTI}setvar")
        assert setvar.get("action") == "Add" and float(setvar.text) == pytest.approx(100 / 3, 0.01)
        matched[left] = labels[condition.find(f".//{QTI}varequal").text][3:]
    assert matched == {"1957": "Sputnik 1", "1961": "Bay of Pigs", "1962": "The blockade"}


# --- answers, feedback --------------------------------------------------------------


def test_answers_look_fors_and_rubrics_are_only_in_general_feedback(every_kind, sample):
    package, _ = export([lesson_quiz(every_kind)])
    students_see = "\n".join(question_html(i) for i in package.items())
    for secret in (
        "Gives Khrushchev time to back down",
        "Avoids killing Soviet soldiers",
        "Names both reasons with evidence.",
        "The word sounded less warlike than blockade.",
    ):
        assert secret not in students_see
    essay = by_title(package, "Writing — Question 3")
    feedback = text_of(general_feedback(essay))
    assert "Gives Khrushchev time to back down" in feedback
    assert "Names both reasons with evidence." in feedback
    shown = [d.get("linkrefid") for d in essay.iter(f"{QTI}displayfeedback")]
    assert shown == ["general_fb"]
    assert "less warlike" in general_feedback(by_title(package, "Writing — Question 4"))

    sample_package, _ = export([sample])
    written = [i for i in sample.items if i.kind == "essay"]
    assert written and all(i.feedback for i in written)
    for item, node in zip(sample.items, sample_package.items(), strict=True):
        assert node.get("title") == item.title
        if item.feedback:
            assert general_feedback(node) == item.feedback
            assert text_of(item.feedback) not in text_of(question_html(node))
        for marker in ("<strong>Answer:</strong>", "<strong>Look for:</strong>", "Rubric"):
            assert marker not in question_html(node)


def test_no_feedback_leaves_general_feedback_out(every_kind):
    package, _ = export([lesson_quiz(every_kind, feedback=False)])
    assert all(general_feedback(i) is None for i in package.items())
    assert not list(package.quizzes[0][0].iter(f"{QTI}displayfeedback"))
    assert field(by_title(package, "Writing — Question 3"), "question_type") == "essay_question"
    raw = b"".join(package.files.values())
    assert b"Khrushchev time" not in raw and b"warlike" not in raw


# --- images, scripts, languages -------------------------------------------------------


def test_pictures_are_package_files_the_question_refers_to(every_kind):
    package, _ = export([lesson_quiz(every_kind)])
    document = by_title(package, "Document A: The line at sea")
    sources = re.findall(r'<img[^>]*\ssrc="([^"]+)"', question_html(document))
    assert len(sources) == 1
    assert sources[0].startswith("$IMS-CC-FILEBASE$/images/")
    path = sources[0].removeprefix("$IMS-CC-FILEBASE$/")
    assert re.fullmatch(r"images/[A-Za-z0-9._-]+\.png", path)  # a name Canvas keeps
    assert package.files[path] == (every_kind / "images" / "line map.png").read_bytes()
    assert package.webcontent == {path}
    assert 'alt="A map of the blockade line"' in question_html(document)


def test_two_lessons_pictures_of_the_same_name_stay_apart(write_lesson):
    folders = []
    for slug, width in (("alpha", 20), ("beta", 60)):
        folder = write_lesson(slug, EVERY_KIND.replace("Every kind", slug))
        (folder / "images").mkdir()
        write_png(folder / "images" / "line map.png", width, 10)
        folders.append(folder)
    package, _ = export([lesson_quiz(f) for f in folders])
    assert len(package.quizzes) == 2
    for n, folder in enumerate(folders):
        document = package.items(n)[0]
        (src,) = re.findall(r'src="([^"]+)"', question_html(document))
        path = src.removeprefix("$IMS-CC-FILEBASE$/")
        assert package.files[path] == (folder / "images" / "line map.png").read_bytes()
    assert len(package.webcontent) == 2


HOSTILE = """\
title: Hostile text
readings:
  - id: r
    title: A page from the web
    text: |
      Read this <script>alert('reading')</script> carefully.

      <img src="x.png" onerror="alert('img')"> and [a link](javascript:alert('link'))
      and <a href="javascript:alert('a')">another</a>; an array ends a[b[0]]> here.
questions:
  - prompt: "What does <script>alert(1)</script> do? See [this](javascript:alert(2))."
    answer: "<b onmouseover=alert(3)>Nothing</b>"
"""


def test_hostile_html_reaches_canvas_without_scripts(write_lesson):
    package, _ = export([lesson_quiz(write_lesson("hostile", HOSTILE))])
    raw = b"\n".join(package.files[n] for n in package.files if n.endswith(".xml"))
    assert b"<![CDATA[" not in raw
    texts = [m.text or "" for a, _ in package.quizzes for m in a.iter(f"{QTI}mattext")]
    html = "\n".join(texts).lower()
    for bad in ("<script", "onerror", "onmouseover", "javascript:"):
        assert bad not in html, bad
    reading = text_of(question_html(package.items()[0]))
    assert "carefully" in reading and "a[b[0]]> here" in reading  # "]]>" kept as text


UNICODE = """\
title: Карибский кризис — أزمة الصواريخ الكوبية
language: ru
readings:
  - id: r
    title: Письмо Хрущёва
    source: Н. С. Хрущёв, 26 октября 1962
    text: |
      Мы с вами не должны тянуть за концы верёвки. قال خروتشوف إن الحرب لا يريدها أحد.
questions:
  - prompt: Что предложил Хрущёв? ماذا اقترح؟
    kind: choice
    choices: [Убрать ракеты, إرسال السفن]
    answer: A
"""


def test_cyrillic_and_arabic_arrive_as_written_with_the_lessons_language(write_lesson):
    made = lesson_quiz(write_lesson("unicode", UNICODE))
    package, _ = export([made])
    assessment, meta = package.quizzes[0]
    assert assessment.find(f"{QTI}assessment").get(XML_LANG) == "ru"
    assert {i.get(XML_LANG) for i in package.items()} == {"ru"}
    assert meta.findtext(f"{CANVAS}title") == "Карибский кризис — أزمة الصواريخ الكوبية"
    reading = text_of(question_html(package.items()[0]))
    assert "тянуть за концы верёвки" in reading and "الحرب لا يريدها أحد" in reading
    question = package.items()[1]
    assert "ماذا اقترح؟" in text_of(question_html(question))
    labels = [
        text_of(label.findtext(f".//{QTI}mattext"))
        for label in question.iter(f"{QTI}response_label")
    ]
    assert labels == ["Убрать ракеты", "إرسال السفن"]
    assert "Хрущёв".encode() in b"".join(package.files.values())  # UTF-8, not references


# --- bytes, bundles, what Canvas cannot show ------------------------------------------


def test_the_same_quizzes_give_the_same_bytes(every_kind):
    first = canvas_package([lesson_quiz(every_kind)])
    second = canvas_package([lesson_quiz(every_kind)])
    assert first == second
    infos = Package(first).infos
    assert {info.date_time for info in infos} == {(1980, 1, 1, 0, 0, 0)}
    assert infos[0].filename == "imsmanifest.xml"


def test_a_bundle_of_two_lessons_is_two_quizzes_in_one_package(sample, tmp_path):
    small = lesson_quiz(write_small_lesson(tmp_path))
    package, _ = export([sample, small])
    titles = [meta.findtext(f"{CANVAS}title") for _, meta in package.quizzes]
    assert titles == [sample.title, small.title]
    idents = [a.find(f"{QTI}assessment").get("ident") for a, _ in package.quizzes]
    assert len(set(idents)) == 2
    every_item = [i.get("ident") for n in range(2) for i in package.items(n)]
    assert len(every_item) == len(set(every_item)) == len(sample.items) + len(small.items)
    assert [meta.findtext(f"{CANVAS}points_possible") for _, meta in package.quizzes] == [
        str(sample.points),
        str(small.points),
    ]


def _matching(pairs) -> Item:
    return Item(
        ident="lptimeline",
        kind="matching",
        title="Timeline",
        html="<p>Match each event to its year.</p>",
        points=len(pairs),
        pairs=tuple(pairs),
        source="the timeline",
    )


def test_matching_canvas_cannot_show_becomes_an_essay_with_a_warning():
    one_row = _matching([("Sputnik 1", "1957")])
    two_alike = _matching([("A launch", "1957"), ("A launch", "1961"), ("Blockade", "1962")])
    same_year = _matching([("Sputnik 1", "1957"), ("Explorer 1", "1957"), ("Blockade", "1962")])
    made = Quiz("lpquiz", "t", "T", "en", (one_row, two_alike, same_year))
    package, warnings = export([made])
    assert [source for source, _ in warnings] == ["the timeline", "the timeline"]
    assert "two or more rows" in warnings[0][1] and "essay" in warnings[0][1]
    assert '"A launch"' in warnings[1][1]
    first, second, third = package.items()
    assert [field(i, "question_type") for i in package.items()] == [
        "essay_question",
        "essay_question",
        "matching_question",  # two events of one year share an answer: Canvas can
    ]
    assert [field(i, "points_possible") for i in package.items()] == ["1", "3", "3"]
    assert "Sputnik 1" in text_of(question_html(first))
    assert text_of(question_html(second)).count("A launch") == 2
    labels = {label.findtext(f".//{QTI}mattext") for label in third.iter(f"{QTI}response_label")}
    assert labels == {"1957", "1962"}


def test_a_document_longer_than_canvas_keeps_is_split_between_paragraphs():
    paragraphs = [f"<p>Paragraph {n}: " + "word " * 300 + "</p>" for n in range(30)]
    long = Item("lpdoc", "text", "Document A: Long", "\n".join(paragraphs), source="reading r")
    made = Quiz("lpquiz", "t", "T", "en", (long,))
    package, warnings = export([made])
    assert warnings == []
    items = package.items()
    assert len(items) == 4  # 30 × ~1,520 characters in parts under 15,000
    assert all(len(question_html(i)) <= TEXT_LIMIT + 200 for i in items)
    text = " ".join(text_of(question_html(i)) for i in items)
    assert [int(n) for n in re.findall(r"Paragraph (\d+):", text)] == list(range(30))
    assert items[1].get("title") == "Document A: Long (2 of 4)"
    assert "Document A: Long (continued)" in text_of(question_html(items[1]))

    one_block = replace(long, html="<p>" + "word " * 4000 + "</p>")
    _, warnings = export([Quiz("lpquiz", "t", "T", "en", (one_block,))])
    assert warnings == [("reading r", "its text is longer than Canvas keeps (15,000 characters)")]


def test_html_is_xml_text_even_when_it_holds_a_cdata_end():
    choice = Item(
        "lpq",
        "choice",
        "Question 1",
        "<p>Is a[b[0]]> 0 &amp; true?</p>",
        points=1,
        choices=(Choice("lpa", "yes ]]>", True), Choice("lpb", "<em>no</em>", False)),
    )
    package, _ = export([Quiz("lpquiz", "t", "T", "en", (choice,))])
    (item,) = package.items()
    assert stem(item) == "<div><p>Is a[b[0]]> 0 &amp; true?</p></div>"
    assert [m.text for m in item.iter(f"{QTI}mattext")][1:] == ["yes ]]>", "<em>no</em>"]


def test_a_fill_timelines_dates_are_not_listed_in_the_rows_order():
    """Events and dates both in date order: a menu in that order would give it away."""
    fill = _matching([("Sputnik 1", "1957"), ("Bay of Pigs", "1961"), ("Blockade", "1962")])
    package, warnings = export([Quiz("lpquiz", "t", "T", "en", (fill,))])
    assert warnings == []
    (item,) = package.items()
    for menu in item.find(f"{QTI}presentation").findall(f"{QTI}response_lid"):
        labels = [m.text for m in menu.find(f"{QTI}render_choice").iter(f"{QTI}mattext")]
        assert sorted(labels) == ["1957", "1961", "1962"]
        assert labels != ["1957", "1961", "1962"]
