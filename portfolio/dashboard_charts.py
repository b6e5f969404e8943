"""Plotly figures of the dashboards, built on the server from plain data.

Pages put them in with `{% plotly_figure fig %}` (see cmo_portal/templatetags/charts.py):
no inline script. A point whose `customdata` is a URL links through to the records behind
it (static/js/charts.js).
"""

import datetime

import pandas as pd
import plotly.graph_objects as go

from kpis.periods import quarter_label
from kpis.scoring import AT_AMBER, AT_RED
from portfolio.supply_chain import ChainSummary

PORTAL = "#1f3b57"
RAG = {"green": "#198754", "amber": "#fd7e14", "red": "#dc3545", "none": "#adb5bd"}
HEALTH_COLOURS = {
    "healthy": RAG["green"],
    "at_risk": RAG["amber"],
    "critical": RAG["red"],
    "unknown": RAG["none"],
}
LEVEL_COLOURS = {"low": "#a3cfbb", "medium": "#ffe69c", "high": "#feb272", "critical": "#f1aeb5"}
LEVEL_RANK = {"low": 0, "medium": 1, "high": 2, "critical": 3}
FONT = {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 12}


def _layout(figure: go.Figure, height: int, **extra) -> go.Figure:
    layout = {
        "height": height,
        "margin": {"l": 40, "r": 10, "t": 10, "b": 30},
        "plot_bgcolor": "white",
        "paper_bgcolor": "white",
        "font": FONT,
    }
    figure.update_layout(**{**layout, **extra})
    return figure


# --- Executive dashboard ---------------------------------------------------------------------


def health_by_tier(
    tier_health: pd.DataFrame, labels: dict, tier_labels: dict, url_for
) -> go.Figure:
    """CMOs per oversight tier, stacked by health; a segment links to its CMOs."""
    tiers = list(tier_health.index)
    names = [tier_labels.get(t, "Not tiered") for t in tiers]
    figure = go.Figure()
    for health in tier_health.columns:
        counts = [int(n) for n in tier_health[health]]
        figure.add_bar(
            x=names,
            y=counts,
            name=labels[health],
            marker_color=HEALTH_COLOURS[health],
            customdata=[url_for(tier=t or None, health=health) for t in tiers],
            hovertemplate="%{x}: %{y} " + labels[health].lower() + "<extra></extra>",
        )
    return _layout(
        figure,
        260,
        barmode="stack",
        legend={"orientation": "h", "y": -0.2},
        yaxis={"title": {"text": "CMOs"}, "gridcolor": "#eee", "rangemode": "tozero"},
    )


def _band(low: float) -> str:
    if low >= AT_AMBER:
        return "green"
    if low >= AT_RED:
        return "amber"
    return "red"


def score_distribution(bins: list[dict], url_for) -> go.Figure:
    """How many CMOs score in each band of ten points, coloured red, amber and green."""
    figure = go.Figure(
        go.Bar(
            x=[f"{b['low']}–{b['high']}" for b in bins],
            y=[b["count"] for b in bins],
            marker_color=[RAG[_band(b["low"])] for b in bins],
            customdata=[url_for(score_min=b["low"], score_max=b["high"]) for b in bins],
            hovertemplate="score %{x}: %{y} CMOs<extra></extra>",
        )
    )
    return _layout(
        figure,
        260,
        xaxis={"title": {"text": "latest score"}, "type": "category"},
        yaxis={"title": {"text": "CMOs"}, "gridcolor": "#eee", "rangemode": "tozero"},
        bargap=0.1,
    )


def risk_heatmap(matrix: list[dict], url_for, height: int = 320) -> go.Figure:
    """The 5 × 5 risk matrix: likelihood up, impact across, each cell its count of
    arrangements, coloured by level; a cell links to the arrangements in it."""
    rows = sorted(matrix, key=lambda r: r["likelihood"])  # 1 at the bottom
    z = [[LEVEL_RANK[c["level"]] for c in row["cells"]] for row in rows]
    text = [[str(c["count"]) if c["count"] else "" for c in row["cells"]] for row in rows]
    links = [
        [url_for(row["likelihood"], c["impact"]) if c["count"] else "" for c in row["cells"]]
        for row in rows
    ]
    scale = [
        [0.0, LEVEL_COLOURS["low"]],
        [0.25, LEVEL_COLOURS["low"]],
        [0.25, LEVEL_COLOURS["medium"]],
        [0.5, LEVEL_COLOURS["medium"]],
        [0.5, LEVEL_COLOURS["high"]],
        [0.75, LEVEL_COLOURS["high"]],
        [0.75, LEVEL_COLOURS["critical"]],
        [1.0, LEVEL_COLOURS["critical"]],
    ]
    figure = go.Figure(
        go.Heatmap(
            x=[1, 2, 3, 4, 5],
            y=[row["likelihood"] for row in rows],
            z=z,
            zmin=0,
            zmax=3,
            text=text,
            texttemplate="%{text}",
            textfont={"size": 14},
            customdata=links,
            colorscale=scale,
            showscale=False,
            xgap=2,
            ygap=2,
            hovertemplate="likelihood %{y} × impact %{x}: %{text} arrangements<extra></extra>",
        )
    )
    return _layout(
        figure,
        height,
        margin={"l": 50, "r": 10, "t": 10, "b": 45},
        xaxis={"title": {"text": "impact"}, "dtick": 1, "fixedrange": True},
        yaxis={"title": {"text": "likelihood"}, "dtick": 1, "fixedrange": True},
    )


def spend_by_cmo(frame: pd.DataFrame, url_for) -> go.Figure:
    """The CMOs with the largest spend, largest at the top, coloured by health."""
    frame = frame.iloc[::-1]
    figure = go.Figure(
        go.Bar(
            x=frame["spend"].tolist(),
            y=frame["name"].tolist(),
            orientation="h",
            marker_color=[HEALTH_COLOURS.get(h, RAG["none"]) for h in frame["health"]],
            customdata=[url_for(int(pk)) for pk in frame["id"]],
            hovertemplate="%{y}: %{x:,.0f} a year<extra></extra>",
        )
    )
    return _layout(
        figure,
        max(220, 24 * len(frame) + 50),
        margin={"l": 10, "r": 10, "t": 10, "b": 30},
        yaxis={"automargin": True, "type": "category"},
        xaxis={"gridcolor": "#eee", "tickformat": "~s"},
    )


def spend_by_country(frame: pd.DataFrame, url_for) -> go.Figure:
    figure = go.Figure(
        go.Bar(
            x=frame["country"].tolist(),
            y=frame["spend"].tolist(),
            marker_color=PORTAL,
            customdata=[url_for(country=c) for c in frame["country"]],
            text=[f"{n} CMO{'s' if n != 1 else ''}" for n in frame["cmos"]],
            textposition="none",
            hovertemplate="%{x}: %{y:,.0f} a year, %{text}<extra></extra>",
        )
    )
    return _layout(
        figure,
        260,
        xaxis={"type": "category", "automargin": True},
        yaxis={"gridcolor": "#eee", "tickformat": "~s", "rangemode": "tozero"},
    )


# --- CMO health page -------------------------------------------------------------------------


def _bands(figure: go.Figure) -> None:
    for low, high, colour in (
        (0, AT_RED, "red"),
        (AT_RED, AT_AMBER, "amber"),
        (AT_AMBER, 100, "green"),
    ):
        figure.add_hrect(
            y0=low, y1=high, fillcolor=RAG[colour], opacity=0.12, line_width=0, layer="below"
        )


def score_history(scorecards: list) -> go.Figure | None:
    """The CMO's overall score per quarter over red, amber and green bands."""
    scored = [c for c in scorecards if c.score is not None]
    if not scored:
        return None
    figure = go.Figure(
        go.Scatter(
            x=[quarter_label(c.period) for c in scored],
            y=[round(c.score, 1) for c in scored],
            mode="lines+markers",
            line={"color": PORTAL, "width": 2},
            marker={"color": [RAG.get(c.status, RAG["none"]) for c in scored], "size": 9},
            hovertemplate="%{x}: %{y}<extra></extra>",
        )
    )
    _bands(figure)
    return _layout(
        figure,
        260,
        showlegend=False,
        xaxis={"type": "category"},
        yaxis={"range": [0, 100], "gridcolor": "#eee", "title": {"text": "score"}},
    )


def kpi_small_multiples(scorecards: list) -> list[dict]:
    """One small chart per KPI of the latest scorecard's basis: its quarterly values and
    its target (as they were in the latest quarter)."""
    if not scorecards:
        return []
    latest = scorecards[-1]
    periods = [quarter_label(c.period) for c in scorecards]
    charts = []
    for kpi in sorted(latest.basis.kpis, key=lambda k: (k.get("category", ""), k["name"])):
        values = [(c.lines.get(kpi["code"]) or (None, None))[0] for c in scorecards]
        current = (latest.lines.get(kpi["code"]) or (None, None))[1]
        # A plain figure dict: ten of these per page, and plotly's validating
        # graph_objects cost more than the rest of the page together.
        target = float(kpi["target"])
        figure = {
            "data": [
                {
                    "type": "scatter",
                    "x": periods,
                    "y": values,
                    "mode": "lines+markers",
                    "line": {"color": PORTAL, "width": 1.5},
                    "marker": {"size": 5},
                    "connectgaps": False,
                    "hovertemplate": "%{x}: %{y} " + kpi.get("unit", "") + "<extra></extra>",
                }
            ],
            "layout": {
                "height": 150,
                "margin": {"l": 35, "r": 5, "t": 5, "b": 20},
                "plot_bgcolor": "white",
                "paper_bgcolor": "white",
                "font": FONT,
                "showlegend": False,
                "xaxis": {
                    "type": "category",
                    "showticklabels": len(periods) <= 6,
                    "tickfont": {"size": 9},
                },
                "yaxis": {"gridcolor": "#eee", "tickfont": {"size": 9}},
                "shapes": [
                    {
                        "type": "line",
                        "xref": "paper",
                        "x0": 0,
                        "x1": 1,
                        "yref": "y",
                        "y0": target,
                        "y1": target,
                        "line": {"color": RAG["green"], "dash": "dash", "width": 1},
                    }
                ],
                "annotations": [
                    {
                        "xref": "paper",
                        "x": 0,
                        "xanchor": "left",
                        "yref": "y",
                        "y": target,
                        "yanchor": "bottom",
                        "text": f"target {target:g}",
                        "showarrow": False,
                        "font": {"size": 9, "color": RAG["green"]},
                    }
                ],
            },
        }
        charts.append({"kpi": kpi, "figure": figure, "status": _status_of(current)})
    return charts


def _status_of(score) -> str:
    if score is None:
        return "none"
    return _band(score) if score < 100 else "green"


CONTRACT_STATUS_COLOURS = {
    "active": RAG["green"],
    "expiring": RAG["amber"],
    "expired": RAG["none"],
    "terminated": "#6c757d",
    "draft": "#9ec5fe",
}


def contract_timeline(contracts: list, today: datetime.date) -> go.Figure | None:
    """Each contract as a bar from its effective date to its expiry, its last day to give
    notice marked, and today as a line."""
    if not contracts:
        return None
    labels = [f"{c.reference} · {c.get_contract_type_display()}" for c in contracts]
    durations = [
        (
            datetime.datetime.combine(c.expiry_date, datetime.time())
            - datetime.datetime.combine(c.effective_date, datetime.time())
        ).total_seconds()
        * 1000
        for c in contracts
    ]
    figure = go.Figure()
    figure.add_bar(
        y=labels,
        x=durations,
        base=[c.effective_date.isoformat() for c in contracts],
        orientation="h",
        marker_color=[CONTRACT_STATUS_COLOURS.get(c.status, PORTAL) for c in contracts],
        customdata=[c.get_absolute_url() for c in contracts],
        text=[c.get_status_display() for c in contracts],
        textposition="inside",
        insidetextanchor="middle",
        hovertext=[
            f"{c.title}<br>{c.effective_date:%d %b %Y} – {c.expiry_date:%d %b %Y}"
            for c in contracts
        ],
        hovertemplate="%{hovertext}<extra></extra>",
        name="in force",
    )
    figure.add_scatter(
        y=labels,
        x=[c.notice_date.isoformat() for c in contracts],
        mode="markers",
        marker={
            "symbol": "diamond",
            "size": 11,
            "color": RAG["red"],
            "line": {"color": "white", "width": 1},
        },
        customdata=[c.get_absolute_url() for c in contracts],
        hovertext=[f"last day to give notice: {c.notice_date:%d %b %Y}" for c in contracts],
        hovertemplate="%{hovertext}<extra></extra>",
        name="notice date",
    )
    figure.add_vline(x=today.isoformat(), line={"color": PORTAL, "dash": "dot", "width": 1})
    return _layout(
        figure,
        max(180, 34 * len(contracts) + 70),
        margin={"l": 10, "r": 10, "t": 10, "b": 30},
        barmode="overlay",
        legend={"orientation": "h", "y": -0.15},
        xaxis={"type": "date", "gridcolor": "#eee"},
        yaxis={"automargin": True, "autorange": "reversed", "type": "category"},
    )


# --- Supply chain ----------------------------------------------------------------------------


def supply_chain_sankey(chain: ChainSummary, site_url=None) -> go.Figure | None:
    """A product's supply chain as a flow: demand → each step's sites → supply. A link
    carries the site's share of the volume; a node shows the site's capacity and use, the
    bottleneck step in red, a tight site (≥ 85 % used) in amber, a standby backup in grey."""
    if not chain.steps:
        return None
    demand = chain.annual_demand or 1
    labels, colours, hover, links = ["Demand"], [PORTAL], [f"demand {demand:,} units a year"], []
    node_urls = [""]
    columns: list[list[tuple[int, float]]] = []
    for step in chain.steps:
        column = []
        carrying = sum(s.volume_share for s in step.stages) or 0.0
        for stage in step.stages:
            index = len(labels)
            use = stage.utilisation(demand)
            labels.append(f"{step.step} · {stage.site}")
            backup_only = stage.volume_share <= 0
            if backup_only:
                colours.append("#adb5bd")
            elif step.is_bottleneck:
                colours.append(RAG["red"])
            elif use is not None and use >= 0.85:
                colours.append(RAG["amber"])
            else:
                colours.append("#4f7cac")
            hover.append(
                f"{stage.cmo} — {stage.site}<br>capacity {stage.capacity_per_year:,} a year"
                + (f", {use:.0%} used" if use is not None else "")
                + (
                    f"<br>{stage.volume_share:g} % of the volume"
                    if not backup_only
                    else "<br>qualified backup"
                )
                + ("<br><b>bottleneck step</b>" if step.is_bottleneck else "")
            )
            node_urls.append(site_url(stage) if site_url else "")
            # A standby backup carries no volume; a thin link keeps it on the diagram.
            share = stage.volume_share / carrying if carrying and not backup_only else 0.02
            column.append((index, share))
        columns.append(column)
    end = len(labels)
    labels.append("Supply")
    colours.append(PORTAL)
    hover.append(f"end-to-end lead time {chain.lead_time_days} days")
    node_urls.append("")
    previous = [(0, 1.0)]
    for column in [*columns, [(end, 1.0)]]:
        for source, source_share in previous:
            for target, target_share in column:
                links.append((source, target, demand * source_share * target_share))
        previous = column
    figure = go.Figure(
        go.Sankey(
            arrangement="snap",
            node={
                "label": labels,
                "color": colours,
                "customdata": list(zip(node_urls, hover, strict=True)),
                "hovertemplate": "%{customdata[1]}<extra></extra>",
                "pad": 14,
                "thickness": 16,
            },
            link={
                "source": [s for s, _, _ in links],
                "target": [t for _, t, _ in links],
                "value": [round(v, 2) for _, _, v in links],
                "color": "rgba(31, 59, 87, 0.18)",
                "hovertemplate": "%{value:,.0f} units a year<extra></extra>",
            },
        )
    )
    return _layout(
        figure,
        max(260, 70 * max(len(c) for c in columns) + 80),
        margin={"l": 10, "r": 10, "t": 10, "b": 10},
    )
