"""KPI charts (monthly actual against target) as SVG, drawn on the server with pygal.

One drawing serves the portal's pages and the meeting packet PDF, and no script or font is
fetched from anywhere: the SVG carries no tooltip script and names the fonts installed here.
"""
import re
from decimal import Decimal

import pygal
from pygal.style import Style

from kpi.choices import MeasureType, TargetPeriod

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


def monthly_target(kpi) -> Decimal | None:
    """The target a single month is judged against: the monthly target, a twelfth of a yearly one, or the rate."""
    if kpi.target_value is None or kpi.measure_type == MeasureType.QUALITATIVE:
        return None
    if kpi.measure_type == MeasureType.COUNT and kpi.target_period == TargetPeriod.YEAR:
        return kpi.target_value / 12
    return kpi.target_value


def kpi_chart_svg(kpi, monthly: list, month_labels: list[str], *, width: int = 640, height: int = 260) -> str:
    """A line of each month's actual and a dashed line of the monthly target; '' for a qualitative KPI."""
    if kpi.measure_type == MeasureType.QUALITATIVE:
        return ""
    chart = pygal.Line(
        width=width, height=height, style=STYLE, js=[], disable_xml_declaration=True,
        show_legend=True, legend_at_bottom=True, legend_at_bottom_columns=2, print_values=False,
        title=kpi.name, x_labels=month_labels, truncate_label=-1, explicit_size=True, allow_interruptions=True,
    )
    unit = "%" if kpi.measure_type == MeasureType.RATE else (kpi.unit or "")
    chart.add(f"実績（{unit}）" if unit else "実績", [None if v is None else float(v) for v in monthly])
    target = monthly_target(kpi)
    if target is not None:
        chart.add("月あたり目標", [float(target)] * len(month_labels), show_dots=False, stroke_style={"dasharray": "6, 4"})
    # The tooltip configuration is an inline script; neither the portal nor the PDF needs it.
    return _SCRIPT.sub("", chart.render(is_unicode=True))


_SCRIPT = re.compile(r"<script\b.*?</script>", re.S)


def svg_data_uri(svg: str) -> str:
    """An SVG as an image address: for <img> in the portal (its strict CSP forbids the inline
    SVG's own styles) and in the packet alike."""
    import base64

    return "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode()
