"""Figures (Metric rows) in words and as server-rendered SVG bar charts, with no script and no
style attribute (the page sends a strict Content Security Policy).

In words, a figure keeps the form its source gives it: a stated form ("one third", "half") where
the source words it so, with the source's qualifier ("less than one twentieth", "more than half");
otherwise its value and unit in the page's language: "RMB 356.539 billion", "12 million mu",
"more than 1 year" on English pages, "3565.39亿元", "1200万亩", "超过1年" on Chinese ones (in the
page's script and mainland wording, catalog/chinese.py). An English amount in 10,000s or 100
millions is written in millions, billions or trillions only where that is exact; the number is
never rounded.

A chart compares figures of one unit and one period only: ``figure_groups`` puts the figures in
such groups, and a group of one figure has no chart (the table beside it states the figure). In a
chart each figure has a row: its label and its value as text, wrapped to the narrowest column the
chart is shown in (never cut), then its bar. A bar runs from zero to the value; a range
(value..value_max) adds a lighter segment to the upper end; a negative value runs left of the zero
line; "more than" ends in an arrow, "less than" and "up to" in a cap. The zero line is drawn beside
each bar only, never through text. The drawing is as wide as its column: bars are placed in
percentages of the width, text in pixels at its own size, so that the text is as large on a phone
as on a desktop.
"""

import re
import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext, npgettext
from django.utils.translation import gettext as _

from . import chinese
from .models import Qualifier


@dataclass(frozen=True)
class Layout:
    """Where a drawing is shown: text wraps to ``width`` px at ``font`` px, ``line`` px apart.
    Each chart is drawn for both; the page's CSS shows the one for the screen (``css``)."""

    name: str
    width: int
    font: int
    line: int


# The narrowest text column: on a 360 px screen (16 px margins, a little spare), 12 px text.
NARROW = Layout("narrow", 320, 12, 16)
# Screens from 40rem (640 px) up, whose column is at least 608 px: 13 px text.
WIDE = Layout("wide", 600, 13, 17)
LAYOUTS = (NARROW, WIDE)
WRAP_WIDTH, FONT = NARROW.width, NARROW.font
BAR_HEIGHT = 14
ROW_GAP = 14  # below a bar, before the next figure's label
TOP = 2
ARROW = 9  # how far a "more than" arrow reaches past its bar, in px
# Percent of the width kept free past the longest bars for their arrows: at WRAP_WIDTH, 4% is
# 12.8 px, more than an arrow; wider drawings have more.
END_ROOM = 4.0

COLOURS = {"bar": "#a3262a", "range": "#e6a9ab", "axis": "#5a6272", "text": "#1d2330"}


def in_chinese():
    """Whether the page is in Chinese (its figures then say their Chinese label and unit)."""
    return (get_language() or "").lower().startswith("zh")


# --- Numbers ------------------------------------------------------------------------------------


def format_number(value, grouping=True):
    """A Decimal as plain digits, without exponent or trailing zeros: 10000.0000 → 10,000
    (10000 without ``grouping``); -38.5 → −38.5."""
    if value is None:
        return ""
    value = Decimal(value)
    whole = value == value.to_integral_value()
    value = value.quantize(Decimal(1)) if whole else value.normalize()
    text = f"{abs(value):,f}" if grouping else f"{abs(value):f}"
    return f"−{text}" if value < 0 else text


# English units (as the data writes them, in the plural) that agree with their number; the
# context keeps them apart from the same words as field names ("organisation", "person").
COUNTED_UNITS = {
    "years": lambda n: npgettext("unit", "year", "years", n),
    "companies": lambda n: npgettext("unit", "company", "companies", n),
    "organisations": lambda n: npgettext("unit", "organisation", "organisations", n),
    "people": lambda n: npgettext("unit", "person", "people", n),
    "deals": lambda n: npgettext("unit", "deal", "deals", n),
    "funds": lambda n: npgettext("unit", "fund", "funds", n),
    "parks": lambda n: npgettext("unit", "park", "parks", n),
    "platforms": lambda n: npgettext("unit", "platform", "platforms", n),
    "centres": lambda n: npgettext("unit", "centre", "centres", n),
    "members": lambda n: npgettext("unit", "member", "members", n),
    "motions": lambda n: npgettext("unit", "motion", "motions", n),
    "processes": lambda n: npgettext("unit", "process", "processes", n),
    "varieties": lambda n: npgettext("unit", "variety", "varieties", n),
}

# English units the data writes as a multiple of a unit, as Chinese counts (億元: "100 million
# yuan", 萬畝: "10,000 mu"), and the factor each stands for.
MULTIPLES = {
    "100 million": Decimal(10) ** 8,
    "10,000": Decimal(10) ** 4,
    "trillion": Decimal(10) ** 12,
    "billion": Decimal(10) ** 9,
    "million": Decimal(10) ** 6,
}
MULTIPLE = re.compile(r"^(100 million|10,000|trillion|billion|million) (.+)$")
SCALES = [
    (Decimal(10) ** 12, "trillion"),
    (Decimal(10) ** 9, "billion"),
    (Decimal(10) ** 6, "million"),
]
# Currencies written before their amount on English pages.
CURRENCIES = {"yuan": "RMB ", "US dollars": "US$"}


def _count(metric):
    """The number a unit agrees with: the value when it is a whole number, else a plural."""
    value = Decimal(metric.value)
    if metric.value_max is None and value == value.to_integral_value():
        return int(value)
    return 2


def _values(metric):
    return [Decimal(metric.value)] + ([Decimal(metric.value_max)] if metric.is_range else [])


def _decimals(value):
    return max(-value.normalize().as_tuple().exponent, 0)


def english_amount(values):
    """Amounts as English writes them: in millions, billions or trillions where that is exact
    to three decimals (12 million; 356.539 billion), else in full digits (7,658,500)."""
    largest = max(abs(value) for value in values)
    for size, word in SCALES:
        if largest >= size:
            scaled = [value / size for value in values]
            if all(_decimals(value) <= 3 for value in scaled):
                return f"{'–'.join(format_number(value) for value in scaled)} {word}"
            break
    return "–".join(format_number(value) for value in values)


def with_unit(number, unit):
    """ "50%", "72 companies", "3,565.39 × 10⁸ yuan" (a unit that starts with a number it does not
    know is a multiplier)."""
    if not unit:
        return number
    if unit == "%":
        return f"{number}%"
    if unit[0].isdigit():
        return f"{number} × {unit}"
    return f"{number} {unit}"


def _english_quantity(metric):
    values, unit = _values(metric), metric.unit_en or metric.unit_zh
    multiple = MULTIPLE.match(unit)
    if multiple:
        unit = multiple[2]
        number = english_amount([value * MULTIPLES[multiple[1]] for value in values])
    else:
        number = "–".join(format_number(value) for value in values)
    if unit in CURRENCIES:
        return f"{CURRENCIES[unit]}{number}"
    if unit in COUNTED_UNITS:
        unit = COUNTED_UNITS[unit](_count(metric))
    return with_unit(number, unit)


def _chinese_quantity(metric):
    number = "–".join(format_number(value, grouping=False) for value in _values(metric))
    unit = unit_of(metric, _count(metric))
    if not unit or unit == "%" or chinese.HAN.match(unit):
        return f"{number}{unit}"
    return f"{number} {unit}"


def unit_of(metric, count=None):
    """The figure's unit as the data gives it, in the page's language; with ``count``, agreeing
    with that number ("year" after 1). On Chinese pages a unit the data gives only in English
    takes the catalogue's translation."""
    if in_chinese() and metric.unit_zh:
        return chinese.render(metric.unit_zh)
    unit = metric.unit_en or metric.unit_zh
    if unit in COUNTED_UNITS:
        return COUNTED_UNITS[unit](2 if count is None else count)
    return unit


def format_value(metric):
    """The figure in words, in the page's language: its stated form or its value (or range) and
    unit, after its qualifier ("one third", "more than half", "RMB 37.1 billion", "超过1年")."""
    chinese_page = in_chinese()
    if chinese_page and metric.stated_zh:
        text = chinese.render(metric.stated_zh)
    elif not chinese_page and metric.stated_en:
        text = metric.stated_en
    else:
        text = _chinese_quantity(metric) if chinese_page else _english_quantity(metric)
    if metric.qualifier and metric.qualifier != Qualifier.EXACT:
        qualifier = str(Qualifier(metric.qualifier).label)
        text = f"{qualifier}{text}" if chinese_page else f"{qualifier} {text}"
    return text


def source_form(metric):
    """The figure's value and unit as the Chinese source counts it ("371億元"), for English pages
    to show beside the English amount where the two write different numbers; else ""."""
    if in_chinese() or metric.stated_en or not metric.unit_zh:
        return ""
    if not MULTIPLE.match(metric.unit_en or ""):
        return ""
    number = "–".join(format_number(value, grouping=False) for value in _values(metric))
    return f"{number}{metric.unit_zh}"


def label_of(metric):
    """(label, lang) of the figure in the page's language, or in the language it has."""
    if in_chinese() and metric.label_zh or not metric.label_en:
        return chinese.render(metric.label_zh), chinese.lang()
    return metric.label_en, "en"


def period_of(metric):
    """(period, lang) of the figure as the page states it: as the source words it where the
    data has that in the page's language, else its years; ("", None) when it is not stated."""
    if metric.period_zh and (in_chinese() or not metric.period_en):
        return chinese.render(metric.period_zh), chinese.lang()
    if metric.period_en:
        return metric.period_en, "en"
    if metric.start_year:
        years = str(metric.start_year)
        if metric.end_year and metric.end_year != metric.start_year:
            years = f"{years}–{metric.end_year}"
        return years, None
    return "", None


# --- Groups: one unit and one period --------------------------------------------------------


@dataclass
class FigureGroup:
    """Figures of one unit and one period, the only ones a chart compares."""

    unit: str
    period: str
    period_lang: str | None
    metrics: list = field(default_factory=list)

    @property
    def charted(self):
        """Whether the group has a chart: one figure alone is stated, not drawn."""
        return len(self.metrics) > 1

    def _caption(self, html):
        if self.period and html:
            period = (
                format_html('<span lang="{}">{}</span>', self.period_lang, self.period)
                if self.period_lang
                else escape(self.period)
            )
        else:
            period = self.period or _("not stated")
        parts = [_("Period: %(period)s") % {"period": period}]
        if self.unit:
            parts.append(_("Unit: %(unit)s") % {"unit": escape(self.unit) if html else self.unit})
        return " · ".join(parts)

    @property
    def caption(self):
        """ "Period: 2023 · Unit: %": what the figures of a chart have in common."""
        return self._caption(html=False)

    @property
    def caption_html(self):
        """The caption with the period marked with its language."""
        return mark_safe(self._caption(html=True))  # noqa: S308 - the period and unit are escaped


def _unit_name(metric):
    """The unit a group's caption names: English amounts in yuan rather than "100 million yuan"
    (its values say how many), counted units in the plural."""
    if in_chinese() and metric.unit_zh:
        return chinese.render(metric.unit_zh)
    multiple = MULTIPLE.match(metric.unit_en or "")
    return multiple[2] if multiple else unit_of(metric)


def figure_groups(metrics):
    """Figures grouped by unit (as the data gives it in both languages) and period, groups in
    the order of their first figure."""
    groups = {}
    for metric in metrics:
        key = (
            metric.unit_zh,
            metric.unit_en,
            metric.period_zh,
            metric.period_en,
            metric.start_year,
            metric.end_year,
        )
        if key not in groups:
            period, lang = period_of(metric)
            groups[key] = FigureGroup(unit=_unit_name(metric), period=period, period_lang=lang)
        groups[key].metrics.append(metric)
    return list(groups.values())


# --- Drawing ------------------------------------------------------------------------------------


def _attrs(**attributes):
    parts = []
    for name, value in attributes.items():
        if value is None:
            continue
        if isinstance(value, float):
            value = f"{value:.1f}"
        parts.append(f'{name.rstrip("_").replace("_", "-")}="{escape(value)}"')
    return " ".join(parts)


def _element(tag, text=None, **attributes):
    if text is None:
        return f"<{tag} {_attrs(**attributes)}/>"
    return f"<{tag} {_attrs(**attributes)}>{escape(text)}</{tag}>"


def _wide(char):
    return unicodedata.east_asian_width(char) in "WF"


def text_width(text, font=FONT):
    """A generous width of ``text`` at ``font`` pixels: wide (CJK) characters a full em, others
    0.6 em (wider than the average letter of the page's fonts)."""
    return sum(font if _wide(char) else font * 0.6 for char in text)


# Characters a line does not start with: they stay with the character before them.
NO_LINE_START = set("，。、：；！？）」』》%…,.;:!?)")


def _tokens(text):
    """Pieces a line may break between: words with their spaces, each wide character."""
    tokens = []
    for char in text:
        last = tokens[-1][-1] if tokens else None
        if last is None:
            joins = False
        elif char in NO_LINE_START or char.isspace():
            joins = True
        else:
            joins = not _wide(char) and not _wide(last) and not last.isspace()
        if joins:
            tokens[-1] += char
        else:
            tokens.append(char)
    return tokens


def wrap(text, room=WRAP_WIDTH, font=FONT):
    """``text`` as lines no wider than ``room`` pixels, broken between words (or between wide
    characters), a word wider than a line broken between its letters; nothing left out."""
    lines, line = [], ""
    for token in _tokens(text):
        if text_width((line + token).rstrip(), font) <= room:
            line += token
            continue
        if line.strip():
            lines.append(line.rstrip())
        line = token.lstrip()
        while text_width(line.rstrip(), font) > room:
            cut = len(line)
            while cut > 1 and text_width(line[:cut], font) > room:
                cut -= 1
            lines.append(line[:cut])
            line = line[cut:]
    if line.strip():
        lines.append(line.rstrip())
    return lines


def _percent(value):
    return f"{value:.2f}%"


def _text_lines(parts, text, y, css, layout, **attributes):
    for line in wrap(text, layout.width, layout.font):
        y += layout.line
        parts.append(
            _element("text", line, x="0", y=y - 4, class_=css, fill=COLOURS["text"], **attributes)
        )
    return y


def _segment(start, end, y, css, colour):
    """A bar (or a range's segment) from ``start`` to ``end`` percent of the width."""
    start, end = sorted((start, end))
    return _element(
        "rect",
        x=_percent(start),
        y=y,
        width=_percent(max(end - start, 0.3)),
        height=BAR_HEIGHT,
        class_=css,
        fill=colour,
    )


def _rule(at, y, css, width):
    """A vertical line beside a bar (the zero line, a cap) at ``at`` percent of the width."""
    return _element(
        "line",
        x1=_percent(at),
        y1=y - 3,
        x2=_percent(at),
        y2=y + BAR_HEIGHT + 3,
        class_=css,
        stroke=COLOURS["axis"],
        stroke_width=width,
    )


def _bar_row(parts, metric, y, x, zero):
    """The bar of ``metric`` with its arrow or cap and the zero line beside it, from ``y``."""
    value, upper = float(metric.value), metric.value_max
    if not (upper is not None and value < 0 < float(upper)):  # a range across zero: one segment
        parts.append(_segment(zero, x(value), y, "chart__bar", COLOURS["bar"]))
    if upper is not None:
        parts.append(_segment(x(value), x(upper), y, "chart__range", COLOURS["range"]))
    tip = x(float(upper) if upper is not None else value)
    outward = -1 if (upper is None and value < 0) else 1
    if metric.qualifier == Qualifier.MORE_THAN:
        # An arrow in pixels at a place in percent: a nested drawing at the bar's end.
        points = f"0,-2 {outward * ARROW},{BAR_HEIGHT / 2:g} 0,{BAR_HEIGHT + 2}"
        arrow = _element("polygon", points=points, class_="chart__open", fill=COLOURS["bar"])
        parts.append(
            f"<svg {_attrs(x=_percent(tip), y=y, width='1', height='1', overflow='visible')}>"
            f"{arrow}</svg>"
        )
    elif metric.qualifier in (Qualifier.LESS_THAN, Qualifier.UP_TO):
        parts.append(_rule(tip, y, "chart__cap", "2"))
    parts.append(_rule(zero, y, "chart__axis", "1"))


def bar_chart(metrics, *, chart_id, title, layout=NARROW):
    """An accessible SVG bar chart comparing ``metrics`` (figures of one unit and one period,
    as ``figure_groups`` gives them), or "" for fewer than two: one figure is stated, not drawn.

    The SVG has role="img", a <title> and a <desc> that says where the same numbers stand as
    text (the page's table); it is well-formed XML.
    """
    metrics = list(metrics)
    if len(metrics) < 2:
        return ""
    uppers = [m.value_max if m.value_max is not None else m.value for m in metrics]
    low = float(min([Decimal(0)] + [m.value for m in metrics]))
    high = float(max([Decimal(0)] + uppers))
    if high == low:
        high = low + 1.0
    # Room for arrows on the sides the bars reach.
    left = END_ROOM if low < 0 else 0.0
    right = 100.0 - END_ROOM if high > 0 else 100.0

    def x(value):
        return left + (float(value) - low) / (high - low) * (right - left)

    zero = x(0)
    parts, y = [], TOP
    for metric in metrics:
        label, lang = label_of(metric)
        y = _text_lines(parts, label, y, "chart__label", layout, lang=lang)
        y = _text_lines(parts, format_value(metric), y, "chart__value", layout)
        y += 4
        _bar_row(parts, metric, y, x, zero)
        y += BAR_HEIGHT + ROW_GAP
    height = y - ROW_GAP + 4
    description = " ".join(
        [
            ngettext(
                "Bar chart of %(count)d figure.", "Bar chart of %(count)d figures.", len(metrics)
            )
            % {"count": len(metrics)},
            _("The table that follows gives the same numbers with their sources."),
        ]
    )
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    attributes = _attrs(
        id=chart_id,
        class_=f"chart chart--{layout.name}",
        role="img",
        width="100%",
        height=str(height),
        font_size=str(layout.font),
        aria_labelledby=title_id,
        aria_describedby=desc_id,
    )
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" {attributes}>',
        _element("title", title, id=title_id),
        _element("desc", description, id=desc_id),
        *parts,
        "</svg>",
    ]
    return mark_safe("".join(svg))  # noqa: S308 - every text and attribute value is escaped


def figure_charts(metrics, *, chart_id, title):
    """The charts of ``metrics``: one for each group of two or more figures of one unit and one
    period, as [{"group", "svgs"}], each drawn for every layout; its title names its period."""
    charts = []
    for group in figure_groups(metrics):
        if not group.charted:
            continue
        number = len(charts) + 1
        chart_title = f"{title} ({group.caption})"
        svgs = [
            bar_chart(
                group.metrics,
                chart_id=f"{chart_id}-{number}-{layout.name}",
                title=chart_title,
                layout=layout,
            )
            for layout in LAYOUTS
        ]
        charts.append({"group": group, "svgs": svgs})
    return charts


def format_baseline(metric):
    """The value a figure is compared against, in the figure's unit ("RMB 1.5 trillion"); "" when
    the source states none."""
    if metric.baseline is None:
        return ""
    baseline = type(metric)(
        value=metric.baseline, unit_zh=metric.unit_zh, unit_en=metric.unit_en, qualifier="exact"
    )
    return format_value(baseline)
