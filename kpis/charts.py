"""Plotly figures of the scorecard page, built on the server and drawn in the browser by
`{% plotly_figure %}` (cmo_portal/templatetags/charts.py): plotly.js from static files,
never a CDN, and no inline script."""

import plotly.graph_objects as go

from kpis.models import Scorecard
from kpis.periods import quarter_label

COLOURS = {"target": "#198754", "amber": "#fd7e14", "red": "#dc3545", "value": "#1f3b57"}


def kpi_chart(kpi: dict, periods: list[str], values: list) -> go.Figure:
    """One KPI over time, its target and thresholds drawn in."""
    figure = go.Figure(
        go.Scatter(
            x=periods,
            y=values,
            mode="lines+markers",
            name=kpi["name"],
            line={"color": COLOURS["value"]},
            connectgaps=False,
            hovertemplate="%{x}: %{y} " + kpi["unit"] + "<extra></extra>",
        )
    )
    for key, label, dash in (
        ("target", "target", "dash"),
        ("amber", "amber", "dot"),
        ("red", "red", "dot"),
    ):
        figure.add_hline(
            y=kpi[key],
            line={"color": COLOURS[key], "dash": dash, "width": 1},
            annotation_text=f"{label} {kpi[key]:g}",
            annotation_position="top left",
            annotation_font={"size": 10, "color": COLOURS[key]},
        )
    figure.update_layout(
        height=220,
        margin={"l": 40, "r": 10, "t": 10, "b": 30},
        showlegend=False,
        plot_bgcolor="white",
        xaxis={"type": "category", "gridcolor": "#eee"},
        yaxis={"gridcolor": "#eee", "title": {"text": kpi["unit"], "font": {"size": 10}}},
    )
    return figure


def kpi_charts(cards: list[Scorecard], shown: Scorecard) -> list[dict]:
    """A chart per KPI of the shown scorecard's basis, over all the CMO's quarters up to
    the shown one; thresholds as they were for the shown quarter."""
    history = [card for card in cards if card.period <= shown.period]
    periods = [quarter_label(card.period) for card in history]
    charts = []
    for kpi in sorted(shown.basis.kpis, key=lambda k: (k["category"], k["name"])):
        values = [card.lines.get(kpi["code"], (None, None))[0] for card in history]
        charts.append({"kpi": kpi, "figure": kpi_chart(kpi, periods, values)})
    return charts
