"""Plotly figures of the resource plan, built on the server and put in pages with
`{% plotly_figure %}` (no inline script)."""

import datetime

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from resourcing import effort, hiring

QUARTER_COLOURS = ["#1f3b57", "#3d6a94", "#6f9bc4", "#a9c6e2"]
NEED, CAPACITY, GAP = "#1f3b57", "#198754", "#dc3545"
ROLE_COLOURS = {
    effort.RELATIONSHIP_MANAGER: "#1f3b57",
    effort.TECHNICAL_EXPERT: "#fd7e14",
    effort.QUALITY_CONTACT: "#198754",
    effort.STRATEGIC_SOURCING_MANAGER: "#6f42c1",
}


def _layout(figure: go.Figure, height: int) -> go.Figure:
    figure.update_layout(
        height=height,
        margin={"l": 50, "r": 10, "t": 30, "b": 40},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.2},
        barmode="group",
    )
    figure.update_yaxes(gridcolor="#eee", title_text="hours")
    return figure


def person_figure(rows: list[dict], quarters: list[effort.Period]) -> go.Figure | None:
    """Need per person in each of the four quarters, with their capacity marked."""
    if not rows:
        return None
    names = [r["person"].name for r in rows]
    figure = go.Figure()
    for i, quarter in enumerate(quarters):
        cells = [r["cells"][i + 1] for r in rows]  # cell 0 is this month
        figure.add_bar(
            x=names,
            y=[c["need"] for c in cells],
            name=f"need {quarter.label}",
            marker_color=[GAP if c["over"] else QUARTER_COLOURS[i] for c in cells],
            marker_line_color=QUARTER_COLOURS[i],
            marker_line_width=1,
            hovertemplate="%{x}: %{y:.0f} h in " + quarter.label + "<extra></extra>",
        )
    figure.add_scatter(
        x=names,
        y=[r["cells"][1]["capacity"] for r in rows],
        mode="markers",
        name="capacity per quarter",
        marker={"symbol": "line-ew-open", "size": 34, "color": CAPACITY, "line": {"width": 3}},
        hovertemplate="%{x}: capacity %{y:.0f} h a quarter<extra></extra>",
    )
    return _layout(figure, 360)


def role_figure(role_rows: list[dict], quarters: list[effort.Period]) -> go.Figure:
    """Need against capacity for each role over the four quarters, one panel a role."""
    figure = make_subplots(
        rows=1,
        cols=len(role_rows),
        subplot_titles=[r["label"] for r in role_rows],
        shared_yaxes=True,
    )
    labels = [q.label for q in quarters]
    for col, row in enumerate(role_rows, start=1):
        cells = row["cells"][1:]
        figure.add_bar(
            x=labels,
            y=[c["need"] for c in cells],
            name="need",
            marker_color=NEED,
            showlegend=col == 1,
            customdata=[c["message"] or "no gap" for c in cells],
            hovertemplate="%{x}: need %{y:.0f} h<br>%{customdata}<extra></extra>",
            row=1,
            col=col,
        )
        figure.add_bar(
            x=labels,
            y=[c["capacity"] for c in cells],
            name="capacity",
            marker_color=CAPACITY,
            showlegend=col == 1,
            hovertemplate="%{x}: capacity %{y:.0f} h<extra></extra>",
            row=1,
            col=col,
        )
    figure.update_annotations(font_size=12)
    figure = _layout(figure, 320)
    figure.update_yaxes(title_text="", col=2)
    return figure


def hiring_figure(needs: list[hiring.RoleNeed], today: datetime.date) -> go.Figure | None:
    """Each role a product needs, from when to recruit it to when it must be in place."""
    if not needs:
        return None
    figure = go.Figure()
    for role in effort.ROLES:
        mine = [n for n in needs if n.role == role]
        if not mine:
            continue
        for n in mine:
            figure.add_scatter(
                x=[n.recruit_by, n.needed_by],
                y=[n.code, n.code],
                mode="lines",
                line={"color": ROLE_COLOURS[role], "width": 6},
                opacity=0.35,
                showlegend=False,
                hoverinfo="skip",
            )
        figure.add_scatter(
            x=[n.needed_by for n in mine],
            y=[n.code for n in mine],
            mode="markers",
            name=effort.ROLE_LABELS[role],
            marker={
                "color": ROLE_COLOURS[role],
                "size": 13,
                "symbol": ["x" if n.is_gap else "circle" for n in mine],
                "line": {"width": 1, "color": "white"},
            },
            customdata=[
                [n.milestone_label, n.holder_name or "nobody", n.status_label] for n in mine
            ],
            hovertemplate=(
                "%{y}: " + effort.ROLE_LABELS[role] + " by %{x|%d %b %Y}<br>"
                "before %{customdata[0]}<br>held by %{customdata[1]} — %{customdata[2]}"
                "<extra></extra>"
            ),
        )
    figure.add_vline(x=today, line={"color": "#6c757d", "dash": "dot", "width": 1})
    figure.update_layout(
        height=max(220, 60 + 40 * len({n.code for n in needs})),
        margin={"l": 90, "r": 10, "t": 20, "b": 40},
        plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.25},
        xaxis={"type": "date", "gridcolor": "#eee"},
        yaxis={"type": "category", "autorange": "reversed"},
    )
    return figure
