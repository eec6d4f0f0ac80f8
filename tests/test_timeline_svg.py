"""The drawn timeline: axis positions without a year 0, labels that never overlap,
historical tick labels, no dates on the student sheet, escaping, and a real render."""

from __future__ import annotations

import html
import io
import itertools
import random
import re

import pypdfium2
import pytest
import weasyprint
from markupsafe import escape
from pypdf import PdfReader

from builder.compose.timeline_axis import axis_position
from builder.compose.timeline_layout import TimelineEvent, layout_timeline
from builder.compose.timeline_svg import timeline_svg
from builder.project.dates import HistDate

WIDTH_IN = 6.7

SAMPLE = [
    ("1957-10-04", "The Soviet Union launches Sputnik 1"),
    ("1959-01-01", "Fidel Castro's revolution takes power in Cuba"),
    ("1959-10", "U.S. agrees with Turkey to base Jupiter missiles there"),
    ("1961-04-17", "Bay of Pigs invasion by CIA-trained Cuban exiles begins"),
    ("1961-11-30", "Kennedy approves Operation Mongoose against Castro"),
    ("1962-05", "Soviet leaders decide to send nuclear missiles to Cuba"),
    ("1962-10-22", 'Kennedy announces the missiles and a naval "quarantine" on TV'),
    ("1962-10-27", "Black Saturday: U-2 shot down; Khrushchev asks for the Jupiters"),
    ("1962-10-28", "Khrushchev announces the missiles will be dismantled"),
    ("1963-06-20", 'Washington–Moscow "hotline" agreement signed'),
]

ROME = [
    ("753 BC", "Rome is founded, by tradition"),
    ("509 BCE", "The last king is expelled and the Republic begins"),
    ("44 BCE", "Julius Caesar is assassinated"),
    ("27 BCE", "Octavian takes the name Augustus"),
    ("476 CE", "The last Western emperor is deposed"),
]

KEY = {"width_in": WIDTH_IN, "show_answers": True}

TICK = re.compile(r'<text class="tick" [^>]*\by="([-\d.]+)"[^>]*>([^<]*)</text>')


def events(rows: list[tuple[str, str]]) -> list[TimelineEvent]:
    return [
        TimelineEvent(HistDate.parse(d), label, str(i + 1)) for i, (d, label) in enumerate(rows)
    ]


def dense_events() -> list[TimelineEvent]:
    """Thirty events in three days of October 1962, and a few far away."""
    rng = random.Random(1962)
    words = ["missiles", "Cuba", "U-2", "quarantine", "Ἀθῆναι", "Việt Nam", "العربية", "&", "<b>"]
    rows = []
    for _ in range(30):
        label = " ".join(rng.choice(words) for _ in range(rng.randint(1, 12)))
        rows.append((f"1962-10-{rng.randint(20, 22)}", label))
    rows += [("1950", "Far away, early"), ("1975-04-30", "Fall of Saigon"), ("1962", "A bare year")]
    rows.append(("1962-10-21", "Supercalifragilisticexpialidocious" * 3))
    rng.shuffle(rows)
    return events(rows)


def tick_labels(svg: str) -> list[tuple[float, str]]:
    return sorted((float(y), html.unescape(text)) for y, text in TICK.findall(svg))


def without_ticks(svg: str) -> str:
    return TICK.sub("", svg)


def drawn_texts(svg: str) -> list[str]:
    """Each <text> element's lines joined with spaces, as a reader would read them."""
    texts = []
    for element in re.findall(r"<text[^>]*>(.*?)</text>", svg, re.DOTALL):
        lines = re.findall(r"<tspan[^>]*>([^<]*)</tspan>", element) or [element]
        texts.append(" ".join(lines))
    return texts


# --- the axis ---------------------------------------------------------------------------


def test_there_is_no_year_zero_on_the_axis():
    one_bce, one_ce = HistDate.parse("1 BCE"), HistDate.parse("1 CE")
    assert axis_position(one_bce) < axis_position(one_ce)
    assert axis_position(one_ce) - axis_position(one_bce) == pytest.approx(1.0)
    assert axis_position(HistDate.parse("2 BCE")) == pytest.approx(axis_position(one_bce) - 1)


def test_bce_comes_before_ce_on_the_axis():
    order = [axis_position(HistDate.parse(t)) for t in ["753 BC", "44 BCE", "-1", "1", "476 CE"]]
    assert order == sorted(order)
    assert len(set(order)) == len(order)


def test_months_and_days_move_along_within_a_year():
    texts = ["1962", "1962-02", "1962-10", "1962-10-22", "1962-10-27", "1962-12-31", "1963"]
    positions = [axis_position(HistDate.parse(t)) for t in texts]
    assert positions == sorted(positions)
    assert len(set(positions[1:])) == len(positions) - 1
    assert positions[-2] < positions[-1]  # 31 December is still inside 1962
    bce = [axis_position(HistDate.parse(t)) for t in ["-44", "-44-03", "-44-03-15", "-43"]]
    assert bce == sorted(bce)


# --- label placement --------------------------------------------------------------------


def assert_no_overlaps(
    evs: list[TimelineEvent], show_answers: bool, large_print: bool = False
) -> None:
    placed, total = layout_timeline(
        evs, width_in=WIDTH_IN, show_answers=show_answers, large_print=large_print
    )
    assert len(placed) == len(evs)
    keys = [p.event.date.sort_key for p in placed]
    assert keys == sorted(keys), "labels are not in date order"
    axis = [p.axis_y for p in placed]
    assert axis == sorted(axis), "events are not in date order on the axis"
    by_top = sorted(placed, key=lambda p: p.label_y)
    assert [p.event for p in by_top] == [p.event for p in placed], "labels left date order"
    for before, after in itertools.pairwise(by_top):
        assert after.label_y >= before.label_y + before.height - 0.01, (before, after)
    for p in placed:
        assert p.height > 0
        assert p.label_y >= -0.01, p
        assert p.label_y + p.height <= total + 0.01, p
        assert 0 <= p.axis_y <= total


@pytest.mark.parametrize("show_answers", [True, False])
def test_sample_lesson_labels_never_overlap(show_answers):
    assert_no_overlaps(events(SAMPLE), show_answers)


@pytest.mark.parametrize("show_answers", [True, False])
def test_dense_clusters_never_overlap_and_the_drawing_grows(show_answers):
    evs = dense_events()
    assert_no_overlaps(evs, show_answers)
    placed, total = layout_timeline(evs, width_in=WIDTH_IN, show_answers=show_answers)
    assert total > 8 * 72  # more than the usual maximum: the labels need it
    assert total >= sum(p.height for p in placed)


def test_sample_drawing_fits_a_page_and_key_and_student_share_an_axis():
    key, key_height = layout_timeline(events(SAMPLE), width_in=WIDTH_IN, show_answers=True)
    student, height = layout_timeline(events(SAMPLE), width_in=WIDTH_IN, show_answers=False)
    assert 3 * 72 <= height <= 8 * 72
    assert key_height == height
    assert [p.axis_y for p in key] == [p.axis_y for p in student]


def test_events_are_placed_to_scale():
    placed, _ = layout_timeline(events(SAMPLE), width_in=WIDTH_IN, show_answers=True)
    years = [axis_position(p.event.date) for p in placed]
    ys = [p.axis_y for p in placed]
    per_year = (ys[-1] - ys[0]) / (years[-1] - years[0])
    assert per_year > 20  # points per year
    for y, year in zip(ys, years, strict=True):
        assert y - ys[0] == pytest.approx((year - years[0]) * per_year, abs=0.01)


def test_a_lone_event_keeps_its_label_level_with_its_dot():
    rows = [("1914-07-28", "War begins"), ("1916-07-01", "The Somme"), ("1918-11-11", "Armistice")]
    for show_answers in (True, False):
        placed, _ = layout_timeline(events(rows), width_in=WIDTH_IN, show_answers=show_answers)
        for p in placed:
            assert p.label_y <= p.axis_y <= p.label_y + 0.6 * p.height, p


def test_label_height_follows_its_wrapped_lines():
    short = TimelineEvent(HistDate.parse("1962"), "Short", "1")
    long = TimelineEvent(HistDate.parse("1970"), "A much longer label " * 4, "2")
    endless = TimelineEvent(HistDate.parse("1980"), "word " * 60, "3")
    placed, _ = layout_timeline([short, long, endless], width_in=WIDTH_IN, show_answers=True)
    heights = [p.height for p in placed]
    assert heights[0] < heights[1]
    per_line = heights[1] - heights[0]  # one line against two
    assert per_line > 0
    assert heights[2] == pytest.approx(heights[0] + 2 * per_line)  # cut to three lines
    svg = str(timeline_svg([endless], width_in=WIDTH_IN, show_answers=True, title="t"))
    assert svg.count("<tspan") == 1 + 3  # the date and at most three lines
    assert "…" in svg


def test_long_words_are_hard_broken():
    word = "Antidisestablishmentarianism" * 3  # 84 characters, no space
    svg = str(
        timeline_svg(events([("1900", word)]), width_in=WIDTH_IN, show_answers=True, title="t")
    )
    lines = re.findall(r"<tspan [^>]*>([^<]*)</tspan>", svg)[1:]
    assert len(lines) == 2
    assert "".join(lines) == word
    assert all(len(line) <= 48 for line in lines)


def test_empty_timeline_is_an_empty_drawing():
    placed, height = layout_timeline([], width_in=WIDTH_IN, show_answers=True)
    assert placed == []
    assert height >= 3 * 72
    assert str(timeline_svg([], width_in=WIDTH_IN, show_answers=True, title="t")).startswith("<svg")


# --- ticks ------------------------------------------------------------------------------


def test_bce_to_ce_ticks_read_in_historical_order():
    svg = str(timeline_svg(events(ROME), width_in=WIDTH_IN, show_answers=True, title="Rome"))
    ticks = tick_labels(svg)
    texts = [text for _, text in ticks]
    assert 4 <= len(texts) <= 10, texts
    assert not {"0", "0 BCE", "0 CE"} & set(texts)
    for text in texts:
        assert text.endswith((" BCE", " CE")), text
    positions = [axis_position(HistDate.parse(text)) for text in texts]
    assert positions == sorted(positions) and len(set(positions)) == len(positions), texts
    assert texts[0].endswith("BCE") and texts[-1].endswith(" CE")
    assert "200 BCE" in texts and "200 CE" in texts  # historical multiples of the step
    # every BCE event sits above every CE event, between the ticks around it
    placed, _ = layout_timeline(events(ROME), width_in=WIDTH_IN, show_answers=True)
    assert [p.event.date.year for p in placed] == [-753, -509, -44, -27, 476]
    tick_y = dict((text, y) for y, text in ticks)
    assert tick_y["200 BCE"] < placed[2].axis_y < placed[3].axis_y < tick_y["1 CE"]


def test_modern_ticks_are_plain_years():
    texts = [t for _, t in tick_labels(str(timeline_svg(events(SAMPLE), **KEY, title="t")))]
    assert texts[0] <= "1957" and texts[-1] >= "1963"
    assert all(re.fullmatch(r"\d{4}", t) for t in texts), texts
    assert 4 <= len(texts) <= 10


def test_a_few_months_get_month_ticks():
    rows = [("1962-05", "a"), ("1962-07", "b"), ("1962-10-22", "c"), ("1963-01", "d")]
    texts = [t for _, t in tick_labels(str(timeline_svg(events(rows), **KEY, title="t")))]
    assert "Oct 1962" in texts, texts
    assert 4 <= len(texts) <= 10


def test_thirteen_days_get_day_ticks():
    rows = [("1962-10-16", "Photos"), ("1962-10-22", "Speech"), ("1962-10-28", "Deal")]
    texts = [t for _, t in tick_labels(str(timeline_svg(events(rows), **KEY, title="t")))]
    assert 4 <= len(texts) <= 10, texts
    assert all(re.fullmatch(r"\d{1,2} Oct 1962", t) for t in texts), texts


def test_ticks_in_a_range_near_1_ce_never_say_zero():
    rows = [("4 BCE", "a"), ("1 BCE", "b"), ("6 CE", "c"), ("30 CE", "d")]
    texts = [t for _, t in tick_labels(str(timeline_svg(events(rows), **KEY, title="t")))]
    assert not {"0", "0 BCE", "0 CE"} & set(texts)
    positions = [axis_position(HistDate.parse(t)) for t in texts]
    assert positions == sorted(positions)


# --- what each sheet shows --------------------------------------------------------------


def test_student_drawing_shows_no_dates():
    evs = events(SAMPLE)
    svg = str(timeline_svg(evs, width_in=WIDTH_IN, show_answers=False, title="Sputnik to hotline"))
    text = without_ticks(svg)
    drawn = "\n".join(drawn_texts(text))
    for event in evs:
        assert str(event.date) not in text, event.date
        assert str(escape(event.label)) in drawn
        assert f">{event.number}.<" in text
    assert 'aria-label="Timeline: Sputnik to hotline"' in svg
    assert "<title>Timeline: Sputnik to hotline</title>" in svg
    assert not re.search(r"1[89]\d\d", svg.split("<title>")[1].split("</title>")[0])
    assert svg.count("<line") >= len(evs)  # a blank to write each date on


def test_key_drawing_shows_every_date_and_label():
    evs = events(SAMPLE + ROME)
    svg = str(timeline_svg(evs, width_in=WIDTH_IN, show_answers=True, title="t"))
    drawn = "\n".join(drawn_texts(svg))
    for event in evs:
        assert f">{escape(str(event.date))}<" in svg
        assert f"{escape(str(event.date))} {escape(event.label)}" in drawn
    assert svg.count("<circle") == len(evs)
    assert svg.count("<polyline") == len(evs)


@pytest.mark.parametrize("show_answers", [True, False])
def test_untrusted_text_is_escaped(show_answers):
    evs = [
        TimelineEvent(HistDate.parse("1962"), '<script>alert(1)</script> & "quoted"', "<b>"),
        TimelineEvent(HistDate.parse("1963"), "<img src=x onerror=alert(1)>", "2"),
    ]
    svg = str(timeline_svg(evs, width_in=WIDTH_IN, show_answers=show_answers, title='<script>"'))
    assert "<script" not in svg.lower()
    assert "<img" not in svg and "<b>" not in svg
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;quoted&#34;" in svg


@pytest.mark.parametrize("show_answers", [True, False])
def test_svg_is_one_plain_black_element(show_answers):
    svg = str(timeline_svg(dense_events(), width_in=WIDTH_IN, show_answers=show_answers, title="t"))
    assert svg.startswith("<svg ") and svg.endswith("</svg>")
    assert svg.count("<svg") == 1
    assert 'role="img"' in svg
    for banned in ("href", "url(", "<script", "<image", "<foreignobject", "<style", "<use"):
        assert banned not in svg.lower()
    assert not re.search(r"\son\w+=", svg)  # no event handlers
    assert set(re.findall(r'(?:fill|stroke)="([^"]+)"', svg)) <= {"#000", "none", "#fff"}
    sizes = [float(s) for s in re.findall(r'font-size="([\d.]+)"', svg)]
    assert min(sizes) >= 7.5
    width = re.search(r'width="([\d.]+)in"', svg)
    height = re.search(r'height="([\d.]+)in"', svg)
    view = re.search(r'viewBox="0 0 ([\d.]+) ([\d.]+)"', svg)
    assert width and height and view
    assert float(view[1]) == pytest.approx(float(width[1]) * 72, abs=0.01)
    assert float(view[2]) == pytest.approx(float(height[1]) * 72, abs=0.01)


def test_output_is_deterministic():
    first = timeline_svg(dense_events(), width_in=WIDTH_IN, show_answers=True, title="t")
    again = timeline_svg(dense_events(), width_in=WIDTH_IN, show_answers=True, title="t")
    assert first == again
    numbers = re.findall(r'(?:x|y|x1|y1|x2|y2|cx|cy|dy)="(-?[\d.]+)"', str(first))
    assert numbers and all(re.fullmatch(r"-?\d+\.\d\d", n) for n in numbers)


# --- it prints --------------------------------------------------------------------------


def render(svg: str) -> bytes:
    page = f'<html lang="en"><body style="margin: 0">{svg}</body></html>'
    return weasyprint.HTML(string=page).write_pdf()


@pytest.mark.parametrize("show_answers", [True, False])
def test_weasyprint_prints_the_drawing_as_text(show_answers):
    evs = events(SAMPLE)
    svg = str(timeline_svg(evs, width_in=WIDTH_IN, show_answers=show_answers, title="t"))
    pdf = render(svg)
    reader = PdfReader(io.BytesIO(pdf))
    text = " ".join(page.extract_text() for page in reader.pages)
    assert len(reader.pages) == 1
    assert "Sputnik" in text and "Bay of Pigs" in text and "hotline" in text
    assert "1962" in text  # a tick label
    assert ("27 October 1962" in text) is show_answers
    assert ("4 October 1957" in text) is show_answers

    document = pypdfium2.PdfDocument(pdf)
    image = document[0].render(scale=1).to_pil().convert("L")
    document.close()
    dark = [(x, y) for x in range(0, image.width, 2) for y in range(0, image.height, 2)]
    dark = [(x, y) for x, y in dark if image.getpixel((x, y)) < 128]
    assert len(dark) > 500, "the drawing came out blank"
    ys = [y for _, y in dark]
    xs = [x for x, _ in dark]
    assert max(ys) - min(ys) > 3 * 72 * 0.9  # the axis runs down the drawing
    assert max(xs) - min(xs) > 4 * 72  # from the tick labels to the label text


# --- large print (SPEC §4: no text below 16 pt) ----------------------------------------


@pytest.mark.parametrize("show_answers", [True, False])
def test_large_print_prints_every_label_and_tick_at_16_pt_or_more(show_answers):
    evs = events(SAMPLE)
    svg = str(timeline_svg(evs, width_in=WIDTH_IN, show_answers=show_answers, title="t"))
    large = str(
        timeline_svg(evs, width_in=WIDTH_IN, show_answers=show_answers, title="t", large_print=True)
    )
    assert min(float(v) for v in re.findall(r'font-size="([\d.]+)"', svg)) < 16  # regular
    sizes: list[float] = []

    def visit(text, cm, tm, font, size):
        if text.strip():
            scale = abs(tm[0] * tm[3] - tm[1] * tm[2]) ** 0.5
            sizes.append(size * scale * abs(cm[0] * cm[3] - cm[1] * cm[2]) ** 0.5)

    for page in PdfReader(io.BytesIO(render(large))).pages:
        page.extract_text(visitor_text=visit)
    assert len(sizes) >= len(evs) and min(sizes) >= 16 - 0.01, sorted(sizes)[:5]
    drawn = "\n".join(drawn_texts(large))
    for event in evs:  # every label whole: wrapped onto more lines, never cut
        assert " ".join(escape(event.label).split()) in " ".join(drawn.split()), event.label
    assert "…" not in drawn


@pytest.mark.parametrize("show_answers", [True, False])
def test_large_print_labels_never_overlap(show_answers):
    assert_no_overlaps(events(SAMPLE), show_answers, large_print=True)
    assert_no_overlaps(dense_events(), show_answers, large_print=True)
