"""The executive dashboard's tables as one XLSX workbook, a sheet per table.

Text cells that a spreadsheet would run as a formula (starting with = + - @, a tab or a
carriage return) are made inert with a leading apostrophe: names and messages come from
users and from imports.
"""

import io

import pandas as pd
from django.http import HttpResponse

from kpis.exports import CONTENT_TYPES, escape_formulas
from portfolio.dashboards import PortfolioDashboard


def dashboard_workbook(dashboard: PortfolioDashboard) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        filters = pd.DataFrame(
            [{"filter": k, "value": str(v)} for k, v in dashboard.filters.params.items()]
            or [{"filter": "(none)", "value": "whole active portfolio"}]
        )
        escape_formulas(filters).to_excel(writer, index=False, sheet_name="Filters")
        for name, table in dashboard.tables().items():
            frame = escape_formulas(_plain(table))
            frame.to_excel(writer, index=False, sheet_name=name[:31])
    return buffer.getvalue()


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    # Spreadsheets want plain text and numbers: labels for None, no pandas extension types.
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object:
            frame[column] = frame[column].map(lambda v: "" if v is None else v)
    return frame


def dashboard_response(dashboard: PortfolioDashboard) -> HttpResponse:
    response = HttpResponse(dashboard_workbook(dashboard), content_type=CONTENT_TYPES["xlsx"])
    name = f"portfolio-dashboard-{dashboard.today.isoformat()}.xlsx"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
