"""Server-rendered SVG bar charts of figures (Metric rows), with no script and no style attribute.

Figures are grouped by unit, each group on its own scale, so that only comparable bars sit side by
side. A bar runs from zero to the value; a range (value..value_max) adds a lighter segment up to
the upper end; a negative value runs left of the zero line; "more than" ends in an arrow, "less
than" and "up to" in a cap. Every bar is labelled with the figure as text ("more than 50%"), so the
chart never says more than its words. Colours come from classes in static/css/site.css, with
presentation attributes as a fallback; the page sends a strict Content Security Policy.

Words follow the page's language: a figure's Chinese label and unit (in the page's script and
mainland wording, catalog/chinese.py) on Chinese pages, its English ones elsewhere. The data
gives English units as plurals ("years"); the common ones take their singular from COUNTED_UNITS
after exactly one ("more than 1 year").
"""

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext, npgettext
from django.utils.translation import gettext as _

from . import chinese
from .models import Qualifier

# The drawing's own units; the page scales the SVG to its column (CSS), so a narrow drawing keeps
# its 12px text readable on a phone and no larger than the page's text on a desktop.
WIDTH = 380
PAD = 12
FONT = 12
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
ROW_HEIGHT = 46
GROUP_HEADING = 30
GAP = 14  # from a bar's end (or its arrow) to its value
MIN_BARS = 120  # bars keep at least this much room however long the values are
# A unit longer than this is left out beside the bars: the group's heading states it.
MAX_UNIT_BESIDE_BAR = 12

COLOURS = {"bar": "#a3262a", "range": "#e6a9ab", "axis": "#5a6272", "text": "#1d2330"}


def format_number(value):
    """A Decimal as plain digits with thousands separators: 10000.0000 → 10,000; -38.5 → −38.5."""
    if value is None:
        return ""
    value = Decimal(value)
    # Whole numbers lose their decimal places; others their trailing zeros (never an exponent).
    whole = value == value.to_integral_value()
    value = value.quantize(Decimal(1)) if whole else value.normalize()
    text = f"{abs(value):,f}"
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


def in_chinese():
    """Whether the page is in Chinese (its figures then say their Chinese label and unit)."""
    return (get_language() or "").lower().startswith("zh")


def _count(metric):
    """The number a unit agrees with: the value when it is a whole number, else a plural."""
    value = Decimal(metric.value)
    if metric.value_max is None and value == value.to_integral_value():
        return int(value)
    return 2


def unit_of(metric, count=None):
    """The figure's unit in the page's language; with ``count``, agreeing with that number."""
    if in_chinese() and metric.unit_zh:
        return chinese.render(metric.unit_zh)
    unit = metric.unit_en or metric.unit_zh
    if unit in COUNTED_UNITS:
        return COUNTED_UNITS[unit](2 if count is None else count)
    return unit


def label_of(metric):
    """(label, lang) of the figure in the page's language, or in the language it has."""
    if in_chinese() and metric.label_zh or not metric.label_en:
        return chinese.render(metric.label_zh), chinese.lang()
    return metric.label_en, "en"


def with_unit(number, unit):
    """ "50%", "72 companies", "3,565.39 × 100 million yuan" (a unit that starts with a number is a
    multiplier)."""
    if not unit:
        return number
    if unit == "%":
        return f"{number}%"
    if unit[0].isdigit():
        return f"{number} × {unit}"
    return f"{number} {unit}"


def format_value(metric, unit=None):
    """The figure in words: qualifier, value or range, unit ("more than 50%", "10–30%").

    ``unit`` replaces the figure's own unit ("" for none).
    """
    number = format_number(metric.value)
    if metric.value_max is not None:
        number = f"{number}–{format_number(metric.value_max)}"
    text = with_unit(number, unit_of(metric, _count(metric)) if unit is None else unit)
    if metric.qualifier and metric.qualifier != Qualifier.EXACT:
        text = f"{Qualifier(metric.qualifier).label} {text}"
    return text


def chart_value(metric):
    """The figure as written beside its bar: in full, but for a long unit, which the heading of
    the bar's group states ("less than 5,000" under "Unit: 100 million yuan")."""
    unit = unit_of(metric, _count(metric))
    return format_value(metric, unit="" if len(unit) > MAX_UNIT_BESIDE_BAR else None)


@dataclass
class UnitGroup:
    unit: str
    metrics: list = field(default_factory=list)

    @property
    def low(self):
        return min([Decimal(0)] + [m.value for m in self.metrics])

    @property
    def high(self):
        uppers = [m.value_max if m.value_max is not None else m.value for m in self.metrics]
        return max([Decimal(0)] + uppers)


def group_by_unit(metrics):
    """Figures grouped by unit as the page's language names it, groups in the order of their
    first figure."""
    groups = {}
    for metric in metrics:
        unit = unit_of(metric)
        groups.setdefault(unit, UnitGroup(unit=unit)).metrics.append(metric)
    return list(groups.values())


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


def _text_width(text):
    """A generous width of ``text`` at FONT pixels: wide (CJK) characters a full em, others 0.6."""
    return sum(FONT if unicodedata.east_asian_width(char) in "WF" else FONT * 0.6 for char in text)


def _fit(text, room):
    """``text``, cut with "…" where it would run past ``room`` pixels."""
    if _text_width(text) <= room + 0.5:
        return text
    while text and _text_width(text + "…") > room:
        text = text[:-1]
    return text.rstrip() + "…"


def _points_outward(metric):
    """1 when the figure's bar ends right of zero (its value written to the right), else -1."""
    return -1 if (metric.value_max is None and metric.value < 0) else 1


def _value_rooms(metrics):
    """{1: room right of the bars, -1: room left of zero} for the values written beside the bars:
    as wide as the longest value on each side, so that every value fits inside the drawing. One
    for the whole chart, so that the groups' bars line up."""
    rooms = {1: 0.0, -1: 0.0}
    for metric in metrics:
        side = _points_outward(metric)
        rooms[side] = max(rooms[side], _text_width(chart_value(metric)) + GAP)
    spare = WIDTH - 2 * PAD - rooms[1] - rooms[-1] - MIN_BARS
    if spare < 0:  # very long values: the bars keep MIN_BARS, values may be cut (the table has all)
        rooms = {side: max(room + spare / 2, 0.0) for side, room in rooms.items()}
    return rooms


def _group_svg(group, top, rooms):
    """The SVG elements of one unit group starting at ``top``, and the height they take."""
    low, high = float(group.low), float(group.high)
    if high == low:
        high = low + 1.0
    values = [chart_value(metric) for metric in group.metrics]
    left = PAD + (rooms[-1] if low < 0 else 0.0)
    right = WIDTH - PAD - rooms[1]

    def x(value):
        return left + (float(value) - low) / (high - low) * (right - left)

    zero = x(0)
    heading = _("Unit: %(unit)s") % {"unit": group.unit} if group.unit else _("No unit")
    parts = [
        _element("text", heading, x=PAD, y=top + 18, class_="chart__unit", fill=COLOURS["text"]),
    ]
    y = top + GROUP_HEADING
    for metric, text in zip(group.metrics, values, strict=True):
        label, lang = label_of(metric)
        parts.append(
            _element(
                "text",
                _fit(label, WIDTH - 2 * PAD),
                x=PAD,
                y=y + 13,
                class_="chart__label",
                fill=COLOURS["text"],
                lang=lang,
            )
        )
        bar_top = y + LABEL_HEIGHT
        value, upper = float(metric.value), metric.value_max
        crosses_zero = upper is not None and value < 0 < float(upper)
        if not crosses_zero:
            start, end = sorted((zero, x(value)))
            parts.append(
                _element(
                    "rect",
                    x=start,
                    y=bar_top,
                    width=max(end - start, 1.0),
                    height=BAR_HEIGHT,
                    class_="chart__bar",
                    fill=COLOURS["bar"],
                )
            )
        if upper is not None:
            start, end = sorted((x(value), x(upper)))
            parts.append(
                _element(
                    "rect",
                    x=start,
                    y=bar_top,
                    width=max(end - start, 1.0),
                    height=BAR_HEIGHT,
                    class_="chart__range",
                    fill=COLOURS["range"],
                )
            )
        tip = x(upper if upper is not None else value)
        outward = _points_outward(metric)
        if metric.qualifier == Qualifier.MORE_THAN:
            mid = bar_top + BAR_HEIGHT / 2
            points = (
                f"{tip:.1f},{bar_top - 2:.1f} {tip + outward * 9:.1f},{mid:.1f} "
                f"{tip:.1f},{bar_top + BAR_HEIGHT + 2:.1f}"
            )
            parts.append(
                _element("polygon", points=points, class_="chart__open", fill=COLOURS["bar"])
            )
        elif metric.qualifier in (Qualifier.LESS_THAN, Qualifier.UP_TO):
            parts.append(
                _element(
                    "line",
                    x1=tip,
                    y1=bar_top - 3,
                    x2=tip,
                    y2=bar_top + BAR_HEIGHT + 3,
                    class_="chart__cap",
                    stroke=COLOURS["axis"],
                    stroke_width="2",
                )
            )
        text_x = tip + outward * GAP
        room = (WIDTH - PAD - text_x) if outward > 0 else (text_x - PAD)
        parts.append(
            _element(
                "text",
                _fit(text, room),
                x=text_x,
                y=bar_top + 12.5,
                class_="chart__value",
                fill=COLOURS["text"],
                text_anchor="start" if outward > 0 else "end",
            )
        )
        y += ROW_HEIGHT
    parts.append(
        _element(
            "line",
            x1=zero,
            y1=top + GROUP_HEADING + LABEL_HEIGHT - 4,
            x2=zero,
            y2=y - ROW_HEIGHT + LABEL_HEIGHT + BAR_HEIGHT + 4,
            class_="chart__axis",
            stroke=COLOURS["axis"],
            stroke_width="1",
        )
    )
    return parts, y - top


def bar_chart(metrics, *, chart_id, title):
    """An accessible SVG bar chart of ``metrics`` (grouped by unit), or "" when there are none.

    The SVG has role="img", a <title> and a <desc> that says where the same numbers stand as
    text (the page's table); it is well-formed XML.
    """
    metrics = list(metrics)
    if not metrics:
        return ""
    groups = group_by_unit(metrics)
    body, top = [], PAD
    rooms = _value_rooms(metrics)
    for group in groups:
        parts, height = _group_svg(group, top, rooms)
        body.extend(parts)
        top += height + 8
    height = top + PAD
    description = " ".join(
        [
            ngettext(
                "Bar chart of %(count)d figure.", "Bar chart of %(count)d figures.", len(metrics)
            )
            % {"count": len(metrics)},
            ngettext("All in one unit.", "In %(count)d units, each on its own scale.", len(groups))
            % {"count": len(groups)},
            _("The table that follows gives the same numbers with their sources."),
        ]
    )
    title_id, desc_id = f"{chart_id}-title", f"{chart_id}-desc"
    attributes = _attrs(
        id=chart_id,
        class_="chart",
        role="img",
        viewBox=f"0 0 {WIDTH} {height}",
        width=str(WIDTH),
        height=str(height),
        preserveAspectRatio="xMinYMin meet",
        font_size=str(FONT),
        aria_labelledby=title_id,
        aria_describedby=desc_id,
    )
    svg = [
        f'<svg xmlns="http://www.w3.org/2000/svg" {attributes}>',
        _element("title", title, id=title_id),
        _element("desc", description, id=desc_id),
        *body,
        "</svg>",
    ]
    return mark_safe("".join(svg))  # noqa: S308 - every text and attribute value is escaped
