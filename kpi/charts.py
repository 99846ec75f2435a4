"""KPI charts as SVG, drawn on the server with pygal.

One drawing serves the portal's pages and the meeting packet PDF, and no script or font is
fetched from anywhere: the SVG carries no tooltip script and names the fonts installed here.

What a council reads off a count's chart is whether the year is on course, so a count is drawn
as its cumulative actual against the cumulative (pro-rated) target; a rate, whose target holds for
any month, as each month's rate against the floor. Axes start at zero, counts get whole-number
ticks, and labels are written the way people write numbers here (1,538件, 57.3%). A yearly target
of a few events (面接会 1件／年) has no monthly share, so no target line is drawn for it; the chart's
title says the target instead.
"""
import re
from decimal import Decimal

import pygal
from pygal.style import Style

from kpi.kinds import format_count, kind_of

STYLE = Style(
    font_family="IPAexGothic, 'Noto Sans JP', sans-serif",
    background="white",
    plot_background="white",
    foreground="#1a1a1a",
    foreground_strong="#1a1a1a",
    foreground_subtle="#cccccc",
    colors=("#0017c1", "#ec0000"),  # design tokens: blue-900 (actual), red-800 (target)
    label_font_size=11,
    major_label_font_size=11,
    legend_font_size=11,
    title_font_size=13,
)

PROVISIONAL_MARK = "※"  # after a month's label when its value includes 速報値 (the page explains the mark)


def monthly_target(kpi) -> Decimal | None:
    """The target a single month is judged against; None where a month's share means nothing."""
    return kind_of(kpi).monthly_target(kpi)


def cumulative(monthly: list, months_ended: int | None = None) -> list:
    """Running totals up to the last month with a value (or the last month ended); a month with no
    value in between adds nothing, and months after it are left empty rather than drawn flat."""
    last = max((i for i, v in enumerate(monthly) if v is not None), default=-1)
    if months_ended is not None:
        last = min(last, months_ended - 1)
    total, result = Decimal(0), []
    for i, value in enumerate(monthly):
        if i > last:
            result.append(None)
            continue
        total += value or 0
        result.append(total)
    return result


def nice_ticks(top: Decimal | float, *, whole: bool, count: int = 5) -> list:
    """Ticks from zero to at least `top` at a round step (1, 2, 2.5 or 5 × 10ⁿ); whole numbers only
    for counts, so that no axis reads 0.3333333333 or 0.1 件."""
    import math

    top = float(top or 0)
    if top <= 0:
        return [0, 1] if whole else [0, 10]
    raw = top / count
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    if whole:
        step = max(1, math.ceil(step))
    ticks, tick = [], 0.0
    while True:
        ticks.append(int(tick) if whole else round(tick, 6))
        if tick >= top:
            return ticks
        tick += step


def tick_label(value, is_rate: bool) -> str:
    """An axis label: a round number as people write it ("20,000", "20%", "2.5%")."""
    text = f"{value:,}" if float(value) != int(value) else f"{int(value):,}"
    return f"{text}%" if is_rate else text


def kpi_chart_svg(
    kpi, monthly: list, month_labels: list[str], *, width: int = 640, height: int = 260,
    provisional: list | None = None, months_ended: int | None = None,
) -> str:
    """The KPI's chart as SVG; '' for a qualitative KPI (it has no numbers to draw).

    `monthly` holds the twelve counted values (April first), `provisional` which of them include
    速報値 (their month labels are marked), `months_ended` how many months are over (the cumulative
    line stops there).
    """
    kind = kind_of(kpi)
    if not kind.is_numeric:
        return ""
    # Counts are drawn as the year's running total against the cumulative target; a rate, month by month.
    is_rate = not kind.adds_up
    labels = [
        f"{label}{PROVISIONAL_MARK}" if provisional and i < len(provisional) and provisional[i] else label
        for i, label in enumerate(month_labels)
    ]
    target_text = kind.format_target(kpi)
    title = f"{kpi.name}（目標 {target_text}）" if target_text else kpi.name
    if is_rate:
        actual = [None if v is None else Decimal(v) for v in monthly]
        target = kind.monthly_target(kpi)
        target_line = [target] * len(labels) if target is not None else None
        actual_label, target_label = "各月の率", "目標"
    else:
        actual = cumulative(monthly, months_ended)
        target_line = (
            [kind.prorated_target(kpi, i + 1) for i in range(len(labels))] if kind.has_monthly_share(kpi) else None
        )
        unit = kpi.unit or ""
        actual_label, target_label = f"累計実績（{unit}）" if unit else "累計実績", "累計目標"
    peak = max([v for v in actual if v is not None] + [v for v in (target_line or []) if v is not None] + [0])
    ticks = nice_ticks(peak, whole=not is_rate)

    def written(value):
        if value is None:
            return ""
        return kind.format_value(value) if is_rate else format_count(value)

    chart = pygal.Line(
        width=width, height=height, style=STYLE, js=[], disable_xml_declaration=True,
        show_legend=True, legend_at_bottom=True, legend_at_bottom_columns=2, print_values=False,
        title=title, x_labels=labels, truncate_label=-1, truncate_legend=-1, explicit_size=True, allow_interruptions=True,
        range=(0, ticks[-1]), y_labels=[{"label": tick_label(t, is_rate), "value": t} for t in ticks],
        show_minor_y_labels=True, value_formatter=written,
        include_x_axis=True,
    )
    chart.add(actual_label, [None if v is None else float(v) for v in actual])
    if target_line is not None:
        chart.add(target_label, [None if v is None else float(v) for v in target_line], show_dots=False,
                  stroke_style={"dasharray": "6, 4"})
    # The tooltip configuration is an inline script; neither the portal nor the PDF needs it.
    return _SCRIPT.sub("", chart.render(is_unicode=True))


_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def svg_data_uri(svg: str) -> str:
    """An SVG as an image address: for <img> in the portal (its strict CSP forbids the inline
    SVG's own styles) and in the packet alike."""
    import base64

    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
