"""Figures in words and as charts: numbers and units as each language writes them, forms the
source states kept as stated, charts that compare only figures of one unit and one period (never a
single bar), text wrapped to the widths the charts are drawn at (never cut, never crossing a bar
or the zero line), well-formed accessible SVG, and the same numbers in a table."""

import re
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest
from django.template.loader import render_to_string
from django.utils import translation

from catalog.charts import (
    BAR_HEIGHT,
    LAYOUTS,
    NARROW,
    WIDE,
    bar_chart,
    english_amount,
    figure_charts,
    figure_groups,
    format_baseline,
    format_number,
    format_value,
    source_form,
    text_width,
    wrap,
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


def parse(metrics, chart_id="chart", layout=NARROW):
    svg = bar_chart(metrics, chart_id=chart_id, title="Figures of a case", layout=layout)
    return svg, ET.fromstring(svg)


def by_class(root, tag, css):
    return [e for e in root.iter(f"{SVG}{tag}") if css in e.get("class", "").split()]


def texts(root):
    return ["".join(e.itertext()) for e in root.iter(f"{SVG}text")]


def percent(value):
    assert value.endswith("%"), value
    return float(value[:-1])


# --- Numbers in words ---------------------------------------------------------------------------


def test_numbers_are_written_without_exponent_and_with_separators():
    assert format_number(Decimal("10000.0000")) == "10,000"
    assert format_number(Decimal("10000.0000"), grouping=False) == "10000"
    assert format_number(Decimal("765.8500")) == "765.85"
    assert format_number(Decimal("-38.0000")) == "−38"
    assert format_number(Decimal("0.0000")) == "0"
    assert format_value(metric("X", "72", unit="companies")) == "72 companies"
    assert format_value(metric("X", "5", unit="")) == "5"


@pytest.mark.parametrize(
    ("value", "value_max", "unit_en", "expected"),
    [
        ("2300", None, "100 million yuan", "RMB 230 billion"),
        ("3565.39", None, "100 million yuan", "RMB 356.539 billion"),
        ("30000", None, "100 million yuan", "RMB 3 trillion"),
        ("83.98", None, "100 million yuan", "RMB 8.398 billion"),
        ("1", "3", "100 million yuan", "RMB 100–300 million"),
        ("1200", None, "10,000 mu", "12 million mu"),
        ("765.85", None, "10,000 visits", "7,658,500 visits"),  # not exact in millions
        ("32", None, "100 million US dollars", "US$3.2 billion"),
        ("1", None, "trillion US dollars", "US$1 trillion"),
        ("50", None, "10,000 mu", "500,000 mu"),
        ("7100", None, "deals", "7,100 deals"),
    ],
)
def test_english_amounts_read_naturally_and_exactly(value, value_max, unit_en, expected):
    assert format_value(metric("X", value, unit=unit_en, value_max=value_max)) == expected


def test_english_amounts_are_never_rounded():
    assert english_amount([Decimal("1234567")]) == "1,234,567"
    assert english_amount([Decimal("12345000")]) == "12.345 million"
    assert english_amount([Decimal("999999")]) == "999,999"


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("zh-hans", ["2300亿元", "1200万亩", "超过1年", "约−40%"]),
        ("zh-hant", ["2300億元", "1200萬畝", "超過1年", "約−40%"]),
    ],
)
def test_chinese_amounts_in_the_pages_script_as_the_source_counts_them(language, expected):
    figures = [
        metric("X", "2300", unit="100 million yuan", unit_zh="億元"),
        metric("X", "1200", unit="10,000 mu", unit_zh="萬畝"),
        metric("X", "1", unit="years", unit_zh="年", qualifier=Qualifier.MORE_THAN),
        metric("X", "-40", qualifier=Qualifier.ABOUT),
    ]
    with translation.override(language):
        assert [format_value(figure) for figure in figures] == expected


def test_a_unit_agrees_with_its_number_in_english():
    assert format_value(metric("X", "1", unit="years", qualifier=Qualifier.MORE_THAN)) == (
        "more than 1 year"
    )
    assert format_value(metric("X", "1", unit="people")) == "1 person"
    assert format_value(metric("X", "2", unit="years")) == "2 years"
    assert format_value(metric("X", "1.5", unit="years")) == "1.5 years"
    assert format_value(metric("X", "1", value_max="3", unit="years")) == "1–3 years"
    assert format_value(metric("X", "1", unit="PB a year")) == "1 PB a year"  # not a counted unit


def test_a_unit_the_data_gives_only_in_english_takes_the_catalogues_translation():
    with translation.override("zh-hans"):
        assert format_value(metric("X", "3", unit="years", unit_zh="")) == "3年"
        assert format_value(metric("X", "50", unit="%")) == "50%"


def test_a_form_the_source_states_is_kept_never_a_computed_decimal():
    third = metric("Share", "33.33", stated_zh="三分之一", stated_en="one third")
    twentieth = metric(
        "Share",
        "5",
        qualifier=Qualifier.LESS_THAN,
        stated_zh="二十分之一",
        stated_en="one twentieth",
    )
    half = metric("Share", "50", qualifier=Qualifier.MORE_THAN, stated_zh="一半", stated_en="half")
    assert format_value(third) == "one third"
    assert format_value(twentieth) == "less than one twentieth"
    assert format_value(half) == "more than half"
    with translation.override("zh-hans"):
        assert format_value(third) == "三分之一"
        assert format_value(twentieth) == "不到二十分之一"
        assert format_value(half) == "超过一半"
    _svg, root = parse([third, twentieth])
    words = " ".join(texts(root))
    assert "one third" in words
    assert "33.33" not in words


def test_the_source_form_and_the_baseline_beside_an_english_amount():
    amount = metric(
        "Invested", "3565.39", unit="100 million yuan", unit_zh="億元", baseline=Decimal("5868.86")
    )
    assert source_form(amount) == "3565.39億元"
    assert format_baseline(amount) == "RMB 586.886 billion"
    assert source_form(metric("X", "50")) == ""
    assert format_baseline(metric("X", "50")) == ""
    with translation.override("zh-hans"):
        assert source_form(amount) == ""
        assert format_baseline(amount) == "5868.86亿元"


# --- Groups: one unit and one period ------------------------------------------------------------


def test_figures_are_grouped_by_unit_and_period():
    metrics = [
        metric("Deals 2023", "7100", unit="deals", period_en="2023", start_year=2023),
        metric("Fall", "-38", period_en="2020 to 2023", start_year=2020, end_year=2023),
        metric("Fall in amount", "-68", period_en="2020 to 2023", start_year=2020, end_year=2023),
        metric("Change 2023", "-26", period_en="2023", start_year=2023),
        metric("Change in proceeds", "-39", period_en="2023", start_year=2023),
    ]
    groups = figure_groups(metrics)
    assert [(g.unit, g.period, len(g.metrics)) for g in groups] == [
        ("deals", "2023", 1),
        ("%", "2020 to 2023", 2),
        ("%", "2023", 2),
    ]
    charts = figure_charts(metrics, chart_id="c", title="Figures")
    # The figure alone has no chart; each chart is drawn for each layout.
    assert [chart["group"].period for chart in charts] == ["2020 to 2023", "2023"]
    assert all(len(chart["svgs"]) == len(LAYOUTS) for chart in charts)
    assert "(Period: 2020 to 2023 · Unit: %)" in charts[0]["svgs"][0]


def test_figures_of_one_unit_in_english_and_another_in_chinese_are_not_compared():
    members = metric("Members", "10000", unit="members", unit_zh="家")
    startups = metric("Start-ups", "10000", unit="companies", unit_zh="家")
    assert len(figure_groups([members, startups])) == 2


def test_a_period_not_stated_is_said_so():
    (group,) = figure_groups([metric("A", "1"), metric("B", "2")])
    assert group.period == ""
    assert group.caption == "Period: not stated · Unit: %"


def test_a_single_figure_makes_no_chart():
    assert bar_chart([], chart_id="c", title="t") == ""
    assert bar_chart([metric("Only", "17", unit="processes")], chart_id="c", title="t") == ""
    assert figure_charts([metric("Only", "17")], chart_id="c", title="t") == []


# --- Drawing ------------------------------------------------------------------------------------


def test_svg_is_well_formed_and_accessible():
    _svg, root = parse([metric("A", "10"), metric("B", "20")], chart_id="case-figures-1")
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title.text == "Figures of a case"
    assert root.get("aria-labelledby") == title.get("id") == "case-figures-1-title"
    assert root.get("aria-describedby") == desc.get("id") == "case-figures-1-desc"
    assert "2 figures" in desc.text
    assert "table" in desc.text
    # As wide as its column, its text at its own size: no viewBox scaling it.
    assert root.get("width") == "100%"
    assert root.get("viewBox") is None
    assert float(root.get("height")) > 0
    assert root.get("font-size") == str(NARROW.font)


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
    for expected in ("Output per worker", "Energy use", "250%", "30%"):
        assert expected in words


def test_bars_are_scaled_within_their_chart():
    _svg, root = parse([metric("A", "100"), metric("B", "50")])
    a, b = (percent(r.get("width")) for r in by_class(root, "rect", "chart__bar"))
    assert a == pytest.approx(2 * b, rel=0.01)


def test_a_range_draws_the_value_and_a_lighter_segment_to_the_upper_end():
    _svg, root = parse([metric("Share", "10", value_max="30"), metric("Other", "5")])
    bar = by_class(root, "rect", "chart__bar")[0]
    (extra,) = by_class(root, "rect", "chart__range")
    bar_end = percent(bar.get("x")) + percent(bar.get("width"))
    assert percent(extra.get("x")) == pytest.approx(bar_end, abs=0.02)
    assert percent(extra.get("width")) == pytest.approx(2 * percent(bar.get("width")), rel=0.02)
    assert "10–30%" in texts(root)


def test_a_negative_value_runs_left_of_the_zero_line():
    _svg, root = parse([metric("Change", "-38"), metric("Rise", "20")])
    zero = percent(by_class(root, "line", "chart__axis")[0].get("x1"))
    fall, rise = by_class(root, "rect", "chart__bar")
    assert percent(fall.get("x")) + percent(fall.get("width")) == pytest.approx(zero, abs=0.02)
    assert percent(rise.get("x")) == pytest.approx(zero, abs=0.02)
    assert percent(fall.get("width")) > percent(rise.get("width"))
    assert "−38%" in texts(root)


def test_a_range_across_zero_is_drawn_as_one_segment():
    _svg, root = parse([metric("Change", "-10", value_max="20"), metric("Other", "5")])
    assert len(by_class(root, "rect", "chart__bar")) == 1  # the other figure's
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


def test_all_zero_values_do_not_divide_by_zero():
    _svg, root = parse([metric("Nobody", "0", unit="people"), metric("No one", "0", unit="people")])
    assert len(by_class(root, "rect", "chart__bar")) == 2


def test_text_is_escaped_and_the_svg_stays_well_formed():
    svg, root = parse([metric('<b>"A" & B</b>', "1", unit="<u>"), metric("B", "2", unit="<u>")])
    assert "<b>" not in svg
    assert '<b>"A" & B</b>' in texts(root)


def test_long_labels_are_wrapped_never_cut():
    label = "China's share of world GDP (less than one twentieth) " * 3
    _svg, root = parse([metric(label.strip(), "1"), metric("B", "2")])
    lines = ["".join(e.itertext()) for e in by_class(root, "text", "chart__label")]
    assert len(lines) > 2
    assert " ".join(lines[:-1]) == label.strip()
    assert not any(line.endswith("…") for line in lines)


def test_wrap_breaks_between_words_and_chinese_characters_and_keeps_every_character():
    chinese_text = "植入式高通量超薄柔性腦機接口在靈長類動物上成功驗證的時長，以及更多的文字在此"
    lines = wrap(chinese_text, 200)
    assert "".join(lines) == chinese_text
    assert not any(line.startswith("，") for line in lines)
    assert all(text_width(line) <= 200 for line in lines)
    assert wrap("one two three", 1000) == ["one two three"]
    assert "".join(wrap("x" * 100, 60)) == "x" * 100


def text_box(element, layout):
    """(left, right, top, bottom) of a text element, from its position and a generous estimate
    of its width, as charts.py wraps it."""
    x, y = float(element.get("x")), float(element.get("y"))
    width = text_width("".join(element.itertext()), layout.font)
    return x, x + width, y - layout.font, y + layout.font * 0.3


# Figures as long and awkward as the catalogue's, and longer.
AWKWARD = {
    "long-labels": [
        metric("China's share of world GDP (less than one twentieth) " * 2, "5"),
        metric("中國GDP佔世界總量比重在一九五零年不足二十分之一，" * 3, "33.33", label_zh="x"),
    ],
    "long-values": [
        metric("Start-ups", "10000", unit="companies", qualifier=Qualifier.MORE_THAN),
        metric("Invested", "5000.1234", unit="100 million yuan", qualifier=Qualifier.LESS_THAN),
        metric("Unit", "123456789.25", unit="y" * 60, value_max="223456789.25"),
    ],
    "negative-and-positive": [
        metric("Change in the number of primary-market investments", "-38"),
        metric("Rise", "98765.4"),
        metric("Range", "-10", value_max="123456"),
    ],
    "unbroken": [metric("x" * 150, "1"), metric("B", "2")],
}


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("metrics", AWKWARD.values(), ids=AWKWARD.keys())
def test_text_stays_in_its_column_and_off_the_bars_and_the_zero_line(metrics, language, layout):
    with translation.override(language):
        _svg, root = parse(metrics, layout=layout)
    boxes = [text_box(element, layout) for element in root.iter(f"{SVG}text")]
    for left, right, _top, _bottom in boxes:
        assert left >= 0
        assert right <= layout.width  # the narrowest column this drawing is shown in
    # Bars, caps, arrows and the zero line sit in bands of their own, between lines of text.
    bands = [
        (float(rect.get("y")), float(rect.get("y")) + BAR_HEIGHT)
        for rect in root.iter(f"{SVG}rect")
    ]
    bands += [
        (
            min(float(line.get("y1")), float(line.get("y2"))),
            max(float(line.get("y1")), float(line.get("y2"))),
        )
        for line in root.iter(f"{SVG}line")
    ]
    bands += [
        (float(svg.get("y")) - 2, float(svg.get("y")) + BAR_HEIGHT + 2)
        for svg in root.iter(f"{SVG}svg")
        if svg is not root
    ]
    for _left, _right, top, bottom in boxes:
        for band_top, band_bottom in bands:
            assert bottom <= band_top or top >= band_bottom
    # Lines of text do not overlap one another.
    tops = sorted((top, bottom) for _l, _r, top, bottom in boxes)
    for (_top, bottom), (next_top, _bottom) in zip(tops, tops[1:], strict=False):
        assert bottom <= next_top + 0.01
    assert float(root.get("height")) >= max(bottom for *_rest, bottom in boxes)


@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_the_layouts_fit_their_columns(layout):
    # 360 px screens have a 328 px column at 12 px; the wide drawing shows from 640 px (a 608 px
    # column) at 13 px: every wrapped line fits.
    column = {NARROW: 328, WIDE: 608}[layout]
    assert layout.width <= column
    assert layout.font >= 12


# --- The partial: charts and table --------------------------------------------------------------


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
    # One chart (the two percentages), drawn for each layout; the stores alone are stated.
    assert html.count("<svg xmlns") == len(LAYOUTS)
    assert 'id="c1-1-narrow"' in html
    assert 'id="c1-1-wide"' in html
    assert "Period:" in html
    table = html[html.index("<table") :]
    for text in ("250%", "more than 50%", "10–30 stores", "Output per worker", "Ham makers"):
        assert text in table
    assert table.count("<tr id=") == 3


@pytest.mark.django_db
def test_the_figures_partial_of_a_single_figure_has_no_chart():
    metric_ = f.MetricFactory(case=f.CaseFactory(), label_en="Only", value=17)
    html = render_to_string(
        "partials/figures.html", {"metrics": [metric_], "chart_id": "c", "title": "t"}
    )
    assert "<svg" not in html
    assert "17%" in html


@pytest.mark.django_db
def test_the_figures_partial_is_empty_without_metrics():
    html = render_to_string("partials/figures.html", {"metrics": [], "chart_id": "c", "title": "t"})
    assert html.strip() == ""


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
        f.MetricFactory(
            case=case,
            value=3,
            unit_en="100 million yuan",
            unit_zh="億元",
            period_zh="目前",
            period_en="to date",
        ),
        f.MetricFactory(case=case, value=1, unit_en="years", unit_zh="年", qualifier="more_than"),
    ]
    context = {"metrics": metrics, "chart_id": "c1", "title": "Figures"}
    with translation.override("zh-hans"):
        html = render_to_string("partials/figures.html", context)
    table = html[html.index("<table") :]
    assert "最多1亿元" in table
    assert "超过1年" in table
    assert '<span lang="zh-Hans">目前</span>' in table
    for english in ("yuan", "years", "(億元)", "to date"):
        assert english not in html, english
    assert "单位：亿元" in html or "单位: 亿元" in html or "亿元" in html.split("<table")[0]
    with translation.override("en"):
        html = render_to_string("partials/figures.html", context)
    assert "up to RMB 100 million" in html
    assert '<span class="unit-zh" lang="zh-Hant">(1億元)</span>' in html
    assert "more than 1 year" in html
    assert "to date" in html


# --- The catalogue's own figures ---------------------------------------------------------------


def svgs_of(html):
    return [ET.fromstring(svg) for svg in re.findall(r"<svg xmlns=.*?</svg>", html, re.S)]


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "zh-hans", "zh-hant"])
def test_the_catalogues_charts_compare_figures_of_one_period_and_never_draw_one_bar(
    client, catalogue, language
):
    prefix = "" if language == "en" else f"/{language}"
    urls = [
        f"{prefix}/cases/primary-market-capital-winter/",
        f"{prefix}/regions/china/",
        f"{prefix}/cases/xuechuan-potato-value-chain/",
        f"{prefix}/companies/jinhua-jintou-group/",
        f"{prefix}/cases/guiyang-big-data-exchange-shortfall/",
    ]
    charted = 0
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        html = response.content.decode()
        figures = re.findall(r'<figure class="figures">(.*?)</figure>', html, re.S)
        for figure in figures:
            caption = re.search(r"<figcaption[^>]*>(.*?)</figcaption>", figure, re.S)[1]
            stated = re.sub(r"<[^>]+>", "", caption).split(" · ")[0]
            # Every chart (and so every bar in it) states its period, or says it is not stated.
            assert re.split("[:：]", stated, maxsplit=1)[1].strip(), (url, caption)
            for root in svgs_of(figure):
                assert (
                    len(by_class(root, "rect", "chart__bar"))
                    + len(by_class(root, "rect", "chart__range"))
                    >= 2
                ), url
                charted += 1
    assert charted > 0


@pytest.mark.django_db
def test_the_articles_one_third_is_shown_as_one_third(client, catalogue):
    english = client.get("/regions/china/").content.decode()
    assert "one third" in english
    assert "less than one twentieth" in english
    assert "33.33" not in english
    assert "(less than one twenti" not in english.replace("(less than one twentieth)", "")
    for language, third, twentieth in [
        ("zh-hans", "三分之一", "不到二十分之一"),
        ("zh-hant", "三分之一", "不到二十分之一"),
    ]:
        html = client.get(f"/{language}/regions/china/").content.decode()
        assert third in html
        assert twentieth in html
        assert "33.33" not in html


@pytest.mark.django_db
def test_the_xuechuan_case_shows_the_figures_the_article_gives_for_it(client, catalogue):
    html = client.get("/cases/xuechuan-potato-value-chain/").content.decode()
    assert "12 million mu" in html
    assert "more than 80 varieties or lines" in html
    assert html.count('<tr id="figure-xuechuan-') == 8


@pytest.mark.django_db
def test_no_figure_of_the_catalogue_says_a_fall_of_a_negative_number(catalogue):
    falls = re.compile(r"\b(fall|drop|decline|decrease)\b|下降|降幅|減少", re.I)
    for figure in Metric.objects.filter(value__lt=0):
        assert not falls.search(figure.label_en), figure.ref
        assert not falls.search(figure.label_zh), figure.ref
