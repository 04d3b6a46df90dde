"""Server-rendered SVG bar charts of figures (Metric rows), with no script and no style attribute.

Figures are grouped by unit, each group on its own scale, so that only comparable bars sit side by
side. A bar runs from zero to the value; a range (value..value_max) adds a lighter segment up to
the upper end; a negative value runs left of the zero line; "more than" ends in an arrow, "less
than" and "up to" in a cap. Every bar is labelled with the figure as text ("more than 50%"), so the
chart never says more than its words. Colours come from classes in static/css/detail.css, with
presentation attributes as a fallback; the page sends a strict Content Security Policy.
"""

import unicodedata
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.html import escape
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from .models import Qualifier

WIDTH = 640
PAD = 12
LABEL_HEIGHT = 18
BAR_HEIGHT = 16
ROW_HEIGHT = 46
GROUP_HEADING = 30
VALUE_ROOM = 150  # room right of the longest bar (and left of zero for negatives) for the value
MAX_LABEL = 86

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


def unit_of(metric):
    return metric.unit_en or metric.unit_zh


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


def format_value(metric):
    """The figure in words: qualifier, value or range, unit ("more than 50%", "10–30%")."""
    number = format_number(metric.value)
    if metric.value_max is not None:
        number = f"{number}–{format_number(metric.value_max)}"
    text = with_unit(number, unit_of(metric))
    if metric.qualifier and metric.qualifier != Qualifier.EXACT:
        text = f"{Qualifier(metric.qualifier).label} {text}"
    return text


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
    """Figures grouped by unit, groups in the order of their first figure."""
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
    """A rough width in pixels of ``text`` at 13px: wide (CJK) characters count double."""
    return sum(13 if unicodedata.east_asian_width(char) in "WF" else 7.5 for char in text)


def _short(text):
    return text if len(text) <= MAX_LABEL else text[: MAX_LABEL - 1].rstrip() + "…"


def _group_svg(group, top):
    """The SVG elements of one unit group starting at ``top``, and the height they take."""
    low, high = float(group.low), float(group.high)
    if high == low:
        high = low + 1.0
    left = PAD + (VALUE_ROOM if low < 0 else 0)
    right = WIDTH - PAD - VALUE_ROOM

    def x(value):
        return left + (float(value) - low) / (high - low) * (right - left)

    zero = x(0)
    heading = _("Unit: %(unit)s") % {"unit": group.unit} if group.unit else _("No unit")
    parts = [
        _element("text", heading, x=PAD, y=top + 18, class_="chart__unit", fill=COLOURS["text"]),
    ]
    y = top + GROUP_HEADING
    for metric in group.metrics:
        label = metric.label_en or metric.label_zh
        parts.append(
            _element(
                "text",
                _short(label),
                x=PAD,
                y=y + 13,
                class_="chart__label",
                fill=COLOURS["text"],
                lang="en" if metric.label_en else "zh-Hant",
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
        outward = -1 if (upper is None and value < 0) else 1
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
        text = format_value(metric)
        room = (WIDTH - PAD - tip) if outward > 0 else (tip - PAD)
        inside = _text_width(text) + 14 > room and abs(tip - zero) > _text_width(text) + 12
        if inside:  # no room past the bar's end: white text inside the bar
            text_x, anchor, css, colour = (
                tip - outward * 6,
                outward < 0,
                "chart__value--inside",
                "#fff",
            )
        else:
            text_x, anchor, css, colour = tip + outward * 14, outward > 0, "", COLOURS["text"]
        parts.append(
            _element(
                "text",
                text,
                x=text_x,
                y=bar_top + 12.5,
                class_=f"chart__value {css}".strip(),
                fill=colour,
                text_anchor="start" if anchor else "end",
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
    for group in groups:
        parts, height = _group_svg(group, top)
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
