"""Reporting periods. A KPI period is a calendar quarter, stored as the date of its first
day; a monthly value also carries its month and rolls up into its quarter."""

import datetime
import re

_QUARTER = re.compile(r"^\s*(\d{4})\s*[-/ ]?\s*Q([1-4])\s*$", re.IGNORECASE)
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-01)?\s*$")


def quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def quarter_label(start: datetime.date | None) -> str:
    """ "2025 Q3" for 2025-07-01."""
    if start is None:
        return ""
    return f"{start.year} Q{(start.month - 1) // 3 + 1}"


def quarter_slug(start: datetime.date) -> str:
    """ "2025Q3": the form used in URLs, files and the API."""
    return quarter_label(start).replace(" ", "")


def previous_quarter(start: datetime.date) -> datetime.date:
    return (
        datetime.date(start.year - 1, 10, 1)
        if start.month == 1
        else start.replace(month=start.month - 3)
    )


def is_quarter_start(day: datetime.date) -> bool:
    return day.day == 1 and day.month in (1, 4, 7, 10)


def parse_period(text: str) -> tuple[datetime.date, int | None]:
    """The quarter and (for a monthly value) the month of "2025Q3", "2025 Q3", "2025-Q3"
    or "2025-08". Raises ValueError on anything else."""
    text = str(text)
    if match := _QUARTER.match(text):
        year, quarter = int(match[1]), int(match[2])
        return datetime.date(year, 3 * quarter - 2, 1), None
    if match := _MONTH.match(text):
        year, month = int(match[1]), int(match[2])
        if 1 <= month <= 12:
            return quarter_start(datetime.date(year, month, 1)), month
    raise ValueError(f"“{text}” is not a quarter (2025Q3) or a month (2025-08).")
