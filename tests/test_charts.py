"""The figures chart: well-formed SVG, one bar per figure, grouped and scaled by unit, ranges,
negatives and qualifiers drawn and written out, a text alternative, and nothing for no figures."""

import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from catalog.charts import (
    WIDTH,
    _text_width,
    bar_chart,
    chart_value,
    format_number,
    format_value,
    group_by_unit,
)
from catalog.models import Metric, Qualifier
from tests import factories as f

SVG = "{http://www.w3.org/2000/svg}"


def metric(label="Output", value="10", unit="%", qualifier=Qualifier.EXACT, value_max=None, **kw):
    return Metric(
        ref=kw.pop("ref", label.lower().replace(" ", "-")),
        label_zh=kw.pop("label_zh", "產值"),
        label_en=label,
        kind="level",
        value=Decimal(value),
        value_max=Decimal(value_max) if value_max is not None else None,
        unit_en=unit,
        unit_zh=kw.pop("unit_zh", unit),
        qualifier=qualifier,
        **kw,
    )


def parse(metrics, chart_id="chart"):
    svg = bar_chart(metrics, chart_id=chart_id, title="Figures of a case")
    return svg, ET.fromstring(svg)


def by_class(root, tag, css):
    return [e for e in root.iter(f"{SVG}{tag}") if css in e.get("class", "").split()]


def texts(root):
    return ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]


def test_no_metrics_no_chart():
    assert bar_chart([], chart_id="c", title="t") == ""


def test_svg_is_well_formed_and_accessible():
    svg, root = parse([metric("A", "10"), metric("B", "20")], chart_id="case-figures")
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title.text == "Figures of a case"
    assert root.get("aria-labelledby") == title.get("id") == "case-figures-title"
    assert root.get("aria-describedby") == desc.get("id") == "case-figures-desc"
    assert "2 figures" in desc.text
    assert "table" in desc.text
    width, height = (float(n) for n in root.get("viewBox").split()[2:])
    assert width > 0
    assert height > 0


def test_no_style_attributes_or_scripts():
    svg, root = parse([metric("A", "-5"), metric("B", "5", value_max="9")])
    assert "style=" not in svg
    assert "<script" not in svg
    assert all("style" not in element.attrib for element in root.iter())


def test_one_bar_per_metric_with_its_label_and_value_as_text():
    metrics = [metric("Output per worker", "250"), metric("Energy use", "30")]
    _svg, root = parse(metrics)
    assert len(by_class(root, "rect", "chart__bar")) == 2
    words = texts(root)
    assert "Output per worker" in words
    assert "Energy use" in words
    assert "250%" in words
    assert "30%" in words


def test_bars_are_scaled_within_their_unit():
    _svg, root = parse([metric("A", "100"), metric("B", "50")])
    a, b = (float(r.get("width")) for r in by_class(root, "rect", "chart__bar"))
    assert a == pytest.approx(2 * b, rel=0.01)


def test_groups_by_unit_each_on_its_own_scale():
    metrics = [
        metric("Share", "50", unit="%"),
        metric("Firms", "72", unit="companies"),
        metric("Parks", "3", unit="companies"),
        metric("Growth", "25", unit="%"),
    ]
    groups = group_by_unit(metrics)
    assert [g.unit for g in groups] == ["%", "companies"]
    assert [m.label_en for m in groups[0].metrics] == ["Share", "Growth"]
    _svg, root = parse(metrics)
    headings = ["".join(e.itertext()) for e in by_class(root, "text", "chart__unit")]
    assert headings == ["Unit: %", "Unit: companies"]
    share, growth, firms, parks = (
        float(r.get("width")) for r in by_class(root, "rect", "chart__bar")
    )
    # The largest bar of each group spans the full width: 50% and 72 companies alike.
    assert share == pytest.approx(firms)
    assert share == pytest.approx(2 * growth)
    assert firms == pytest.approx(72 / 3 * parks, rel=0.01)


def test_a_range_draws_the_value_and_a_lighter_segment_to_the_upper_end():
    _svg, root = parse([metric("Share", "10", value_max="30")])
    (bar,) = by_class(root, "rect", "chart__bar")
    (extra,) = by_class(root, "rect", "chart__range")
    bar_end = float(bar.get("x")) + float(bar.get("width"))
    assert float(extra.get("x")) == pytest.approx(bar_end, abs=0.2)
    assert float(extra.get("width")) == pytest.approx(2 * float(bar.get("width")), rel=0.02)
    assert "10–30%" in texts(root)


def test_a_negative_value_runs_left_of_the_zero_line():
    _svg, root = parse([metric("Fall", "-38"), metric("Rise", "20")])
    axis = by_class(root, "line", "chart__axis")[0]
    zero = float(axis.get("x1"))
    fall, rise = by_class(root, "rect", "chart__bar")
    assert float(fall.get("x")) + float(fall.get("width")) == pytest.approx(zero, abs=0.2)
    assert float(rise.get("x")) == pytest.approx(zero, abs=0.2)
    assert float(fall.get("width")) > float(rise.get("width"))
    assert "−38%" in texts(root)


def test_a_range_across_zero_is_drawn_as_one_segment():
    _svg, root = parse([metric("Change", "-10", value_max="20")])
    assert by_class(root, "rect", "chart__bar") == []
    assert len(by_class(root, "rect", "chart__range")) == 1
    assert "−10–20%" in texts(root)


def test_qualifiers_are_drawn_and_written():
    metrics = [
        metric("A", "50", qualifier=Qualifier.MORE_THAN),
        metric("B", "30", qualifier=Qualifier.LESS_THAN),
        metric("C", "20", qualifier=Qualifier.UP_TO),
        metric("D", "40", qualifier=Qualifier.ABOUT),
    ]
    _svg, root = parse(metrics)
    assert len(by_class(root, "polygon", "chart__open")) == 1
    assert len(by_class(root, "line", "chart__cap")) == 2
    words = texts(root)
    for expected in ("more than 50%", "less than 30%", "up to 20%", "about 40%"):
        assert expected in words


def test_a_single_metric_makes_a_chart_with_one_bar():
    _svg, root = parse([metric("Only", "17", unit="processes")])
    assert len(by_class(root, "rect", "chart__bar")) == 1
    assert "17 processes" in texts(root)
    assert "1 figure." in root.find(f"{SVG}desc").text


def test_all_zero_values_do_not_divide_by_zero():
    _svg, root = parse([metric("Nobody", "0", unit="people")])
    assert len(by_class(root, "rect", "chart__bar")) == 1


def test_text_is_escaped_and_the_svg_stays_well_formed():
    svg, root = parse([metric('<b>"A" & B</b>', "1", unit="<u>")])
    assert "<b>" not in svg
    assert '<b>"A" &amp; B</b>' not in texts(root)
    assert '<b>"A" & B</b>' in texts(root)


def test_long_labels_are_shortened_in_the_chart():
    _svg, root = parse([metric("x" * 200, "1")])
    label = by_class(root, "text", "chart__label")[0]
    assert len(label.text) < 100
    assert label.text.endswith("…")


def text_extent(element):
    """(left, right) of a text element, from its anchor and a generous estimate of its width."""
    x, width = float(element.get("x")), _text_width("".join(element.itertext()))
    if element.get("text-anchor") == "end":
        return x - width, x
    return x, x + width


@pytest.mark.parametrize(
    "metrics",
    [
        [metric("Start-ups", "10000", unit="companies", qualifier=Qualifier.MORE_THAN)],
        [metric("Invested", "5000", unit="100 million yuan", qualifier=Qualifier.LESS_THAN)],
        [
            metric("Fall", "-123456.78", unit="processes"),
            metric("Rise", "98765.4", unit="processes"),
        ],
        [metric("Range", "-10", value_max="123456", unit="companies")],
        [metric("x" * 80, "1", unit="y" * 12, qualifier=Qualifier.ABOUT, value_max="2")],
    ],
    ids=["long-unit", "multiplier", "negative-and-positive", "range-across-zero", "long-label"],
)
def test_every_text_stays_inside_the_drawing(metrics):
    _svg, root = parse(metrics)
    for element in root.iter(f"{SVG}text"):
        left, right = text_extent(element)
        assert left >= 0, "".join(element.itertext())
        assert right <= WIDTH, "".join(element.itertext())


def test_a_long_unit_is_left_to_the_group_heading():
    invested = metric("Invested", "5000", unit="100 million yuan", qualifier=Qualifier.LESS_THAN)
    assert chart_value(invested) == "less than 5,000"
    assert format_value(invested) == "less than 5,000 × 100 million yuan"
    _svg, root = parse([invested])
    assert "Unit: 100 million yuan" in texts(root)
    assert "less than 5,000" in texts(root)
    # A short unit stays beside the bar.
    assert chart_value(metric("Firms", "72", unit="companies")) == "72 companies"


def test_numbers_are_written_without_exponent_and_with_separators():
    assert format_number(Decimal("10000.0000")) == "10,000"
    assert format_number(Decimal("765.8500")) == "765.85"
    assert format_number(Decimal("-38.0000")) == "−38"
    assert format_number(Decimal("0.0000")) == "0"
    assert format_value(metric("X", "3565.39", unit="100 million yuan")) == (
        "3,565.39 × 100 million yuan"
    )
    assert format_value(metric("X", "72", unit="companies")) == "72 companies"
    assert format_value(metric("X", "5", unit="")) == "5"


@pytest.mark.django_db
def test_the_figures_partial_gives_the_same_numbers_in_a_table():
    case = f.CaseFactory()
    metrics = [
        f.MetricFactory(case=case, label_en="Output per worker", value=250, unit_en="%"),
        f.MetricFactory(
            case=case, label_en="Ham makers", value=50, unit_en="%", qualifier="more_than"
        ),
        f.MetricFactory(case=case, label_en="Stores", value=10, value_max=30, unit_en="stores"),
    ]
    html = render_to_string(
        "partials/figures.html", {"metrics": metrics, "chart_id": "c1", "title": "Figures"}
    )
    assert html.count("<svg") == 1
    table = html[html.index("<table") :]
    for text in ("250%", "more than 50%", "10–30 stores", "Output per worker", "Ham makers"):
        assert text in table
    assert table.count("<tr id=") == 3


@pytest.mark.django_db
def test_the_figures_partial_is_empty_without_metrics():
    html = render_to_string("partials/figures.html", {"metrics": [], "chart_id": "c", "title": "t"})
    assert html.strip() == ""


def test_a_unit_agrees_with_its_number_in_english():
    assert format_value(metric("X", "1", unit="years", qualifier=Qualifier.MORE_THAN)) == (
        "more than 1 year"
    )
    assert format_value(metric("X", "1", unit="people")) == "1 person"
    assert format_value(metric("X", "2", unit="years")) == "2 years"
    assert format_value(metric("X", "1.5", unit="years")) == "1.5 years"
    assert format_value(metric("X", "1", value_max="3", unit="years")) == "1–3 years"
    assert format_value(metric("X", "1", unit="PB a year")) == "1 PB a year"  # not a counted unit
    _svg, root = parse([metric("Validated", "1", unit="years", qualifier=Qualifier.MORE_THAN)])
    assert "more than 1 year" in texts(root)


def test_a_chinese_page_gives_figures_in_chinese():
    more = metric("Validated", "1", unit="years", unit_zh="年", qualifier=Qualifier.MORE_THAN)
    money = metric(
        "Support", "1", unit="100 million yuan", unit_zh="億元", qualifier=Qualifier.UP_TO
    )
    with translation.override("zh-hans"):
        assert format_value(more) == "超过 1 年"
        assert format_value(money) == "最多 1 亿元"  # the unit in simplified characters
        assert format_value(metric("X", "50", unit="%")) == "50%"
        # A unit the data gives only in English takes the catalogue's translation.
        assert format_value(metric("X", "3", unit="years", unit_zh="")) == "3 年"
        _svg, root = parse([more, money])
    words = texts(root)
    assert "超过 1 年" in words
    assert "单位：亿元" in words
    assert not [word for word in words if "year" in word or "yuan" in word]
    labels = by_class(root, "text", "chart__label")
    # in the page's script, with mainland wording (catalog/chinese.py)
    assert [(label.text, label.get("lang")) for label in labels] == [
        ("产值", "zh-Hans"),
        ("产值", "zh-Hans"),
    ]
    _svg, root = parse([more])
    english = by_class(root, "text", "chart__label")[0]
    assert (english.text, english.get("lang")) == ("Validated", "en")


@pytest.mark.django_db
def test_the_figures_partial_on_a_chinese_page_mixes_no_english_units():
    case = f.CaseFactory()
    metrics = [
        f.MetricFactory(
            case=case,
            value=1,
            unit_en="100 million yuan",
            unit_zh="億元",
            qualifier="up_to",
            period_zh="目前",
            period_en="to date",
        ),
        f.MetricFactory(case=case, value=1, unit_en="years", unit_zh="年", qualifier="more_than"),
    ]
    context = {"metrics": metrics, "chart_id": "c1", "title": "Figures"}
    with translation.override("zh-hans"):
        html = render_to_string("partials/figures.html", context)
    table = html[html.index("<table") :]
    assert "最多 1 亿元" in table
    assert "超过 1 年" in table
    assert '<span lang="zh-Hans">目前</span>' in table
    for english in ("yuan", "years", "(億元)", "to date"):
        assert english not in html, english
    with translation.override("en"):
        html = render_to_string("partials/figures.html", context)
    assert "up to 1 × 100 million yuan" in html
    assert '<span class="unit-zh" lang="zh-Hant">(億元)</span>' in html
    assert "more than 1 year" in html
    assert "to date" in html
