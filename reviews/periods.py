"""Review periods: the stretch of time a business review looks back on.

A period is stored as the date of its first day; its length follows the review's kind
(a month, a quarter, a half-year or a year). All functions are pure and take dates.
"""

import datetime

from kpis.periods import quarter_start

# Length of the period of each kind, in months. A for-cause review looks at the quarter in
# which its cause arose.
MONTHS = {
    "monthly": 1,
    "quarterly": 3,
    "semiannual": 6,
    "annual": 12,
    "for_cause": 3,
}


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def period_start(kind: str, day: datetime.date) -> datetime.date:
    """The first day of the period of `kind` that contains `day`."""
    months = MONTHS[kind]
    first_month = (day.month - 1) // months * months + 1
    return datetime.date(day.year, first_month, 1)


def period_end(kind: str, start: datetime.date) -> datetime.date:
    """The last day of the period of `kind` that starts on `start`."""
    return _add_months(start, MONTHS[kind]) - datetime.timedelta(days=1)


def next_period_start(kind: str, start: datetime.date) -> datetime.date:
    return _add_months(start, MONTHS[kind])


def scorecard_period(kind: str, start: datetime.date) -> datetime.date:
    """The quarter whose scorecard a review of this period shows: the quarter holding the
    period's last day (a monthly review sees its quarter so far, a half-year review its
    second quarter)."""
    return quarter_start(period_end(kind, start))


def period_label(kind: str, start: datetime.date | None) -> str:
    """ "Aug 2025", "2025 Q3", "2025 H2" or "2025"."""
    if start is None:
        return ""
    months = MONTHS[kind]
    if months == 1:
        return start.strftime("%b %Y")
    if months == 3:
        return f"{start.year} Q{(start.month - 1) // 3 + 1}"
    if months == 6:
        return f"{start.year} H{(start.month - 1) // 6 + 1}"
    return str(start.year)
