"""Plotly figures in pages without inline JavaScript.

A figure is written into the page as JSON data (`<script type="application/json">`, which
the browser never executes) next to an empty element; `static/js/charts.js` draws every
such element with plotly.js from `static/`. The Content-Security-Policy can then forbid
inline scripts altogether.
"""

import uuid

from django import template
from django.templatetags.static import static
from django.utils.html import format_html, json_script
from django.utils.safestring import mark_safe

register = template.Library()

PLOTLY_CONFIG = {
    "displaylogo": False,
    "responsive": True,
    "modeBarButtonsToRemove": ["lasso2d", "select2d"],
}


@register.simple_tag
def plotly_figure(figure, css_class: str = "", height: int | None = None, chart_id: str = ""):
    """Render `figure` (a plotly Figure or its dict) for charts.js to draw."""
    if figure is None:
        return ""
    chart_id = chart_id or f"chart-{uuid.uuid4().hex[:10]}"
    data = figure.to_plotly_json() if hasattr(figure, "to_plotly_json") else figure
    payload = {
        "data": data.get("data", []),
        "layout": data.get("layout", {}),
        "config": PLOTLY_CONFIG,
    }
    style = f"min-height:{int(height)}px" if height else ""
    return format_html(
        '<div class="plotly-figure {}" id="{}" data-figure="{}-data" style="{}"></div>{}',
        css_class,
        chart_id,
        chart_id,
        style,
        json_script(_jsonable(payload), f"{chart_id}-data"),
    )


@register.simple_tag
def plotly_scripts():
    """The two script tags a page with charts needs, once, at the end of the body."""
    return mark_safe(  # noqa: S308 - static URLs only
        f'<script src="{static("vendor/plotly/plotly.min.js")}"></script>'
        f'<script src="{static("js/charts.js")}"></script>'
    )


def _jsonable(value):
    # Plotly figures hold numpy arrays and dates; its own encoder knows them all.
    import json

    from plotly.utils import PlotlyJSONEncoder

    return json.loads(json.dumps(value, cls=PlotlyJSONEncoder))
