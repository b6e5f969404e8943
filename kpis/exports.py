"""Export of what a list page shows, filtered and sorted as on screen, to CSV or XLSX."""

import io

import pandas as pd
from django.http import HttpResponse

# A spreadsheet runs a cell that starts with one of these as a formula.
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
CONTENT_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def escape_formula(value):
    """A text cell that a spreadsheet would run as a formula, made inert with a leading
    apostrophe; numbers and other values are left alone."""
    if isinstance(value, str) and value.startswith(FORMULA_PREFIXES):
        return "'" + value
    return value


def escape_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    frame = frame.copy()
    for column in frame.columns:
        if frame[column].dtype == object or pd.api.types.is_string_dtype(frame[column]):
            frame[column] = frame[column].map(escape_formula)
    return frame


def frame_response(frame: pd.DataFrame, fmt: str, name: str) -> HttpResponse:
    """`frame` as a downloaded `name`.csv or `name`.xlsx, formulas escaped."""
    frame = escape_formulas(frame)
    if fmt == "xlsx":
        buffer = io.BytesIO()
        with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
            frame.to_excel(writer, index=False, sheet_name=name[:31])
        body = buffer.getvalue()
    else:
        body = frame.to_csv(index=False).encode("utf-8-sig")
    response = HttpResponse(body, content_type=CONTENT_TYPES[fmt])
    response["Content-Disposition"] = f'attachment; filename="{name}.{fmt}"'
    return response
