"""Import of KPI measurements from a CSV or XLSX file.

Every row is validated before anything is written; a file with any error changes nothing
and the report lists the errors with their row numbers (the header is row 1). A valid file
is written in one transaction: new values are created, values that already exist for the
same CMO, site, product, KPI and period are updated, and every change is in the
measurements' history.
"""

import csv
import io
import logging
import re
import time
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

import numpy as np
import pandas as pd
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from cmo_portal import dispatch
from kpis.models import KpiDefinition, Measurement, MeasurementImport
from suppliers.models import Cmo, Product, Site
from suppliers.scoping import MANAGE_ALL

logger = logging.getLogger(__name__)

COLUMNS = [
    "cmo",
    "site",
    "product",
    "kpi",
    "period",
    "value",
    "numerator",
    "denominator",
    "comment",
]
REQUIRED = ["cmo", "kpi", "period", "value"]
KEY = ["cmo_id", "site_id", "product_id", "kpi_id", "period", "month"]
CHUNK_ROWS = 50_000
MAX_ERRORS_KEPT = 500
MAX_NUMBER = 1e10  # the measurements' numbers have 14 digits, 4 of them decimals
CHANGE_REASON = "Imported from {name}"

Progress = Callable[[int, int, str], None]
# The stages an import reports to `progress`, in order; a preview has only the first.
VALIDATING, WRITING, CHECKING = STAGES = ("validating", "writing", "checking references")

_QUARTER = re.compile(r"^\s*(\d{4})\s*[-/ ]?\s*[Qq]([1-4])\s*$")
_MONTH = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-01)?\s*$")


class ImportFileError(ValueError):
    """The file cannot be read as a table of measurements at all."""


def _no_progress(done: int, total: int, stage: str) -> None:
    pass


# --- Reading ----------------------------------------------------------------------------------


def _is_excel(filename: str) -> bool:
    return Path(filename).suffix.lower() in (".xlsx", ".xlsm")


def _count_rows(source, filename: str) -> int:
    if _is_excel(filename):
        return 0  # known once read
    source.seek(0)
    lines = sum(block.count(b"\n") for block in iter(lambda: source.read(1 << 20), b""))
    source.seek(0)
    return max(lines - 1, 0)


def _chunks(source, filename: str) -> Iterator[pd.DataFrame]:
    """The file as DataFrames of text cells, with lower-case column names."""
    options = {"dtype": str, "keep_default_na": False}
    try:
        if _is_excel(filename):
            source.seek(0)
            frames = [pd.read_excel(source, engine="openpyxl", **options)]
        elif Path(filename).suffix.lower() in (".csv", ".txt"):
            separator = ";" if _sniff_needed(source) else ","
            frames = pd.read_csv(
                source, chunksize=CHUNK_ROWS, encoding="utf-8-sig", sep=separator, **options
            )
        else:
            raise ImportFileError("Upload a CSV (.csv) or Excel (.xlsx) file.")
        for frame in frames:
            frame = frame.fillna("").astype(str)
            frame.columns = [str(c).strip().lower() for c in frame.columns]
            yield frame
    except (ValueError, KeyError, OSError, zipfile.BadZipFile) as exc:
        if isinstance(exc, ImportFileError):
            raise
        raise ImportFileError(f"The file cannot be read: {exc}") from exc


def _sniff_needed(source) -> bool:
    # Spreadsheet programs in many locales write ";" separated CSV.
    source.seek(0)
    head = source.read(4096)
    source.seek(0)
    if isinstance(head, bytes):
        head = head.decode("utf-8", "replace")
    first = head.splitlines()[0] if head else ""
    return ";" in first and "," not in first


# --- Validation --------------------------------------------------------------------------------


class _Lookups:
    """Names and codes of the records a file may refer to, read once per import."""

    def __init__(self, user):
        self.cmos = {name.lower(): pk for pk, name in Cmo.objects.values_list("pk", "name")}
        # Like the forms: a relationship manager imports only for their own CMOs.
        self.all_cmos = user.has_perm(MANAGE_ALL)
        self.own_cmos = (
            set()
            if self.all_cmos
            else set(Cmo.objects.filter(relationship_manager=user).values_list("pk", flat=True))
        )
        self.kpis = {}
        self.percent_kpis = set()
        for kpi in KpiDefinition.objects.all():
            self.kpis[kpi.code.lower()] = kpi.pk
            self.kpis[kpi.name.lower()] = kpi.pk
            if kpi.is_percentage:
                self.percent_kpis.add(kpi.pk)
        self.sites = {
            (cmo_id, name.lower()): pk
            for pk, cmo_id, name in Site.objects.values_list("pk", "cmo_id", "name")
        }
        self.products = {code.lower(): pk for pk, code in Product.objects.values_list("pk", "code")}


def _numbers(text: pd.Series) -> pd.Series:
    cleaned = text.str.replace(",", ".", regex=False)
    return pd.to_numeric(cleaned.where(cleaned != ""), errors="coerce")


class _Cells:
    """One column of a chunk as its distinct cells (stripped) and, for each row, the
    position of its cell among them: checks and look-ups run once per distinct cell — a
    million rows name a thousand CMOs and a hundred periods."""

    def __init__(self, raw: pd.DataFrame, column: str):
        if column in raw.columns:
            codes, distinct = pd.factorize(raw[column])
            self.distinct = pd.Series(distinct, dtype=object).str.strip()
        else:
            codes, self.distinct = np.zeros(len(raw), dtype=np.intp), pd.Series([""], dtype=object)
        self.codes = codes
        self.present = self.rows(self.distinct != "")

    def rows(self, per_cell) -> np.ndarray:
        """A value computed per distinct cell, spread out to the rows."""
        return np.asarray(per_cell)[self.codes]

    def look_up(self, ids: dict) -> np.ndarray:
        """Each row's id in `ids` (keyed by lower-case text), NaN where there is none."""
        return self.rows(self.distinct.str.lower().map(ids).astype(float))

    def texts(self, mask: np.ndarray) -> np.ndarray:
        return self.distinct.to_numpy()[self.codes[mask]]


def _periods(text: pd.Series) -> pd.DataFrame:
    """Year, quarter and month (NaN for a quarter) of each period cell; year NaN when the
    cell is neither a quarter nor a month."""
    quarter = text.str.extract(_QUARTER)
    # The month pattern only where the quarter one did not match.
    month = text.where(quarter[0].isna(), "").str.extract(_MONTH)
    year = pd.to_numeric(quarter[0].fillna(month[0]), errors="coerce")
    month_number = pd.to_numeric(month[1], errors="coerce")
    invalid = year.isna() | (month_number.notna() & ~month_number.between(1, 12))
    return pd.DataFrame(
        {
            "year": year.mask(invalid),
            "quarter": pd.to_numeric(quarter[1], errors="coerce").fillna(
                (month_number - 1) // 3 + 1
            ),
            "month": month_number,
        }
    )


def _validate_chunk(raw: pd.DataFrame, first_row: int, lookups: _Lookups, errors: list):
    """The rows of one chunk as ids and numbers, and their errors appended to `errors` as
    (row, column, message)."""
    rows = np.arange(first_row, first_row + len(raw))
    cells = {c: _Cells(raw, c) for c in COLUMNS}

    def fail(mask, column: str, message) -> None:
        mask = np.asarray(mask, dtype=bool)
        if not mask.any():
            return
        if callable(message):
            texts = cells[column].texts(mask)
            errors.extend(
                (int(r), column, message(v)) for r, v in zip(rows[mask], texts, strict=True)
            )
        else:
            errors.extend((int(r), column, message) for r in rows[mask])

    for column in REQUIRED:
        fail(~cells[column].present, column, f"The {column} is missing.")

    cmo = cells["cmo"]
    cmo_id = cmo.look_up(lookups.cmos)
    fail(cmo.present & np.isnan(cmo_id), "cmo", lambda v: f"Unknown CMO “{v}”.")
    if not lookups.all_cmos:
        foreign = ~np.isnan(cmo_id) & ~np.isin(cmo_id, list(lookups.own_cmos))
        fail(foreign, "cmo", lambda v: f"“{v}” is not one of your CMOs.")

    kpi = cells["kpi"]
    kpi_id = kpi.look_up(lookups.kpis)
    fail(kpi.present & np.isnan(kpi_id), "kpi", lambda v: f"Unknown KPI “{v}”.")

    site = cells["site"]
    site_id = np.full(len(raw), np.nan)
    if site.present.any():
        # A site name is looked up within its row's CMO: once per distinct pair.
        pairs, first = np.unique(
            np.column_stack([np.nan_to_num(cmo_id), site.codes]), axis=0, return_inverse=True
        )
        names = site.distinct.str.lower().to_numpy()[pairs[:, 1].astype(int)]
        found = [
            lookups.sites.get((int(c), n), np.nan) for c, n in zip(pairs[:, 0], names, strict=True)
        ]
        site_id = np.where(site.present, np.asarray(found, dtype=float)[first.ravel()], np.nan)
        fail(
            site.present & ~np.isnan(cmo_id) & np.isnan(site_id),
            "site",
            lambda v: f"Unknown site “{v}” of this CMO.",
        )
    product = cells["product"]
    product_id = product.look_up(lookups.products)
    fail(product.present & np.isnan(product_id), "product", lambda v: f"Unknown product “{v}”.")

    period = cells["period"]
    periods = _periods(period.distinct)
    year = period.rows(periods["year"])
    fail(
        period.present & np.isnan(year),
        "period",
        lambda v: f"“{v}” is not a quarter (2025Q3) or a month (2025-08).",
    )

    numbers = {}
    for column in ("value", "numerator", "denominator"):
        numbers[column] = cells[column].rows(_numbers(cells[column].distinct))
        fail(
            cells[column].present & np.isnan(numbers[column]),
            column,
            lambda v: f"“{v}” is not a number.",
        )
        fail(
            np.abs(numbers[column]) >= MAX_NUMBER,
            column,
            lambda v: f"{v} is too large (the most is 9,999,999,999.9999).",
        )
    value = numbers["value"]
    percent = np.isin(kpi_id, list(lookups.percent_kpis)) & ((value < 0) | (value > 100))
    fail(percent, "value", lambda v: f"{v} is a percentage out of range (0–100).")

    valid_period = ~np.isnan(year)
    return pd.DataFrame(
        {
            "row": rows.astype(np.int32),
            "cmo_id": np.nan_to_num(cmo_id).astype(np.int32),
            "site_id": pd.array(site_id, dtype="Int64"),
            "product_id": pd.array(product_id, dtype="Int64"),
            "kpi_id": np.nan_to_num(kpi_id).astype(np.int32),
            "year": np.where(valid_period, year, 0).astype(np.int16),
            "quarter": np.where(valid_period, period.rows(periods["quarter"]), 1).astype(np.int8),
            "month": pd.array(
                np.where(valid_period, period.rows(periods["month"]), np.nan), dtype="Int8"
            ),
            "value": value,
            "numerator": numbers["numerator"],
            "denominator": numbers["denominator"],
            "comment": cells["comment"].rows(cells["comment"].distinct),
        }
    )


def _with_periods(frame: pd.DataFrame) -> pd.DataFrame:
    # datetime64, not text: 8 bytes a row (a million rows of text would take ~60 MB).
    frame["period"] = pd.to_datetime(
        pd.DataFrame(
            {"year": frame["year"], "month": (frame["quarter"].astype(int) - 1) * 3 + 1, "day": 1}
        )
    ).astype("datetime64[s]")
    return frame


def _duplicates(frame: pd.DataFrame, errors: list) -> None:
    """Every row that repeats an earlier row's CMO, site, product, KPI and period."""
    key = [c for c in KEY if c != "period"] + ["year", "quarter"]
    later = frame.duplicated(key, keep="first")
    if not later.any():
        return
    first_row = frame.groupby(key, dropna=False, sort=False)["row"].transform("min")
    for row, first in zip(frame.loc[later, "row"], first_row[later], strict=True):
        errors.append(
            (
                int(row),
                "period",
                f"Duplicate of row {first}: same CMO, site, product, KPI and period.",
            )
        )


def _existing_ids(frame: pd.DataFrame) -> pd.Series:
    """The id of the measurement each row would update (NaN for a new one), read in one
    query over the CMOs and periods of the file."""
    existing = pd.DataFrame(
        Measurement.objects.filter(
            cmo_id__in=[int(c) for c in frame["cmo_id"].unique()],
            period__in=[p.date() for p in pd.DatetimeIndex(frame["period"].unique())],
        )
        .order_by()
        .values_list("id", *KEY),
        columns=["existing_id", *KEY],
    )
    if existing.empty:
        return pd.Series(np.nan, index=frame.index)
    existing["period"] = pd.to_datetime(existing["period"]).astype("datetime64[s]")
    keys = frame[KEY].copy()
    for column in ("site_id", "product_id", "month"):
        keys[column] = keys[column].astype("float64").fillna(0)
        existing[column] = existing[column].astype("float64").fillna(0)
    merged = keys.merge(existing, on=KEY, how="left")
    return merged["existing_id"]


# --- Writing -----------------------------------------------------------------------------------

_WRITTEN = ["value", "numerator", "denominator", "comment"]

# The rows are sent in PostgreSQL's binary COPY format, built by numpy a chunk at a time
# (formatting a million rows as CSV text took longer than PostgreSQL takes to store them).
# Every field has a fixed width: a missing id or month is sent as 0 and a missing number as
# NaN, turned into NULL by `_STAGED_ROWS`; comments, usually few, travel as CSV.
_COPY_HEADER = b"PGCOPY\n\xff\r\n\x00" + bytes(8)
_COPY_TRAILER = b"\xff\xff"
_STAGED = {
    "existing_id": ("bigint", ">i8"),
    "cmo_id": ("bigint", ">i8"),
    "site_id": ("bigint", ">i8"),
    "product_id": ("bigint", ">i8"),
    "kpi_id": ("bigint", ">i8"),
    "period": ("date", ">i4"),  # days since 2000-01-01
    "month": ("smallint", ">i2"),
    "value": ("double precision", ">f8"),
    "numerator": ("double precision", ">f8"),
    "denominator": ("double precision", ">f8"),
    "row": ("integer", ">i4"),
}
_STAGED_ROWS = """(
    SELECT NULLIF(s.existing_id, 0) AS existing_id, s.cmo_id, NULLIF(s.site_id, 0) AS site_id,
        NULLIF(s.product_id, 0) AS product_id, s.kpi_id, s.period,
        NULLIF(s.month, 0) AS month, s.value::numeric(14, 4) AS value,
        NULLIF(s.numerator, 'NaN')::numeric(14, 4) AS numerator,
        NULLIF(s.denominator, 'NaN')::numeric(14, 4) AS denominator,
        {comment} AS comment
    FROM _measurement_import s {comments}
) i"""
_WITH_COMMENTS = {
    "comment": "COALESCE(c.comment, '')",
    "comments": "LEFT JOIN _measurement_import_comment c USING (row)",
}
_WITHOUT_COMMENTS = {"comment": "''", "comments": ""}
_PG_EPOCH = np.datetime64("2000-01-01", "D")


def _binary_rows(chunk: pd.DataFrame) -> bytes:
    layout = [("fields", ">i2")]
    for column, (_, kind) in _STAGED.items():
        layout += [(f"{column}_size", ">i4"), (column, kind)]
    rows = np.empty(len(chunk), dtype=layout)
    rows["fields"] = len(_STAGED)
    for column, (_, kind) in _STAGED.items():
        rows[f"{column}_size"] = np.dtype(kind).itemsize
        if column == "period":
            days = chunk["period"].to_numpy().astype("datetime64[D]") - _PG_EPOCH
            rows[column] = days.astype(np.int32)
        elif np.dtype(kind).kind == "f":
            rows[column] = chunk[column].to_numpy(dtype=float, na_value=np.nan)
        else:
            rows[column] = chunk[column].to_numpy(dtype="int64", na_value=0)
    return _COPY_HEADER + rows.tobytes() + _COPY_TRAILER


def _stage_postgresql(cursor, frame: pd.DataFrame) -> str:
    """The rows of `frame` in temporary tables, and the subquery that reads them back."""
    columns = ", ".join(f"{column} {sql}" for column, (sql, _) in _STAGED.items())
    cursor.execute(f"CREATE TEMP TABLE _measurement_import ({columns}) ON COMMIT DROP")
    cursor.execute(
        "CREATE TEMP TABLE _measurement_import_comment (row integer, comment text) ON COMMIT DROP"
    )
    for start in range(0, len(frame), CHUNK_ROWS):
        # A chunk at a time: the whole frame in binary would add a hundred megabytes.
        chunk = frame.iloc[start : start + CHUNK_ROWS]
        cursor.cursor.copy_expert(
            f"COPY _measurement_import ({', '.join(_STAGED)}) FROM STDIN WITH BINARY",
            io.BytesIO(_binary_rows(chunk)),
        )
    commented = frame.loc[frame["comment"] != "", ["row", "comment"]]
    if not commented.empty:
        buffer = io.StringIO()
        # Every comment quoted: newlines, quotes and backslashes come back as written.
        commented.to_csv(buffer, index=False, header=False, quoting=csv.QUOTE_NONNUMERIC)
        buffer.seek(0)
        cursor.cursor.copy_expert("COPY _measurement_import_comment FROM STDIN WITH CSV", buffer)
    return _STAGED_ROWS.format(**(_WITHOUT_COMMENTS if commented.empty else _WITH_COMMENTS))


def _write_postgresql(frame: pd.DataFrame, user, reason: str) -> None:
    """COPY into temporary tables, then one INSERT and one UPDATE, each writing its
    history rows in the same statement."""
    table = Measurement._meta.db_table
    history = Measurement.history.model._meta.db_table
    fields = [f.column for f in Measurement._meta.concrete_fields if f.column != "id"]
    with connection.cursor() as cursor:
        staged_rows = _stage_postgresql(cursor, frame)
        values = {
            "source": "%(source)s",
            "entered_by_id": "%(user)s",
            "updated": "%(now)s",
        }
        select = ", ".join(values.get(c, f"i.{c}") for c in fields)
        returned = ", ".join(["id", *fields])
        history_columns = (
            f"{returned}, history_date, history_change_reason, history_type, history_user_id"
        )
        params = {
            "source": Measurement.Source.IMPORT,
            "user": user.pk,
            "now": timezone.now(),
            "reason": reason,
        }
        new = frame["existing_id"].isna()
        if new.any():
            cursor.execute(
                f"WITH created AS (INSERT INTO {table} ({', '.join(fields)}) "
                f"SELECT {select} FROM {staged_rows} WHERE i.existing_id IS NULL "
                f"RETURNING {returned}) "
                f"INSERT INTO {history} ({history_columns}) "
                f"SELECT {returned}, %(now)s, %(reason)s, '+', %(user)s FROM created",
                params,
            )
        if not new.all():
            assignments = ", ".join(
                [f"{c} = i.{c}" for c in _WRITTEN if c not in values]
                + [f"{c} = {v}" for c, v in values.items()]
            )
            changed = ", ".join("m." + c for c in ["id", *fields])
            cursor.execute(
                f"WITH changed AS (UPDATE {table} m SET {assignments} "
                f"FROM {staged_rows} WHERE m.id = i.existing_id RETURNING {changed}) "
                f"INSERT INTO {history} ({history_columns}) "
                f"SELECT {returned}, %(now)s, %(reason)s, '~', %(user)s FROM changed",
                params,
            )
        cursor.execute("DROP TABLE _measurement_import, _measurement_import_comment")


def _python_value(value):
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return None
    return value


def _write_portable(frame: pd.DataFrame, user, reason: str) -> None:
    """The same through the ORM and simple_history's bulk helpers (SQLite, small files)."""
    from decimal import Decimal

    def decimal(value):
        value = _python_value(value)
        return None if value is None else Decimal(str(round(float(value), 4)))

    new = frame[frame["existing_id"].isna()]
    objects = [
        Measurement(
            cmo_id=int(row.cmo_id),
            site_id=_python_value(row.site_id),
            product_id=_python_value(row.product_id),
            kpi_id=int(row.kpi_id),
            period=row.period.date(),
            month=_python_value(row.month),
            value=decimal(row.value),
            numerator=decimal(row.numerator),
            denominator=decimal(row.denominator),
            comment=row.comment,
            source=Measurement.Source.IMPORT,
            entered_by=user,
        )
        for row in new.itertuples(index=False)
    ]
    bulk_create_with_history(
        objects, Measurement, batch_size=1000, default_user=user, default_change_reason=reason
    )
    changed = frame[frame["existing_id"].notna()]
    if changed.empty:
        return
    by_id = Measurement.objects.in_bulk(changed["existing_id"].astype(int).tolist())
    updated = []
    for row in changed.itertuples(index=False):
        measurement = by_id[int(row.existing_id)]
        measurement.value = decimal(row.value)
        measurement.numerator = decimal(row.numerator)
        measurement.denominator = decimal(row.denominator)
        measurement.comment = row.comment
        measurement.source = Measurement.Source.IMPORT
        measurement.entered_by = user
        measurement.updated = timezone.now()
        updated.append(measurement)
    bulk_update_with_history(
        updated,
        Measurement,
        [*_WRITTEN, "source", "entered_by", "updated"],
        batch_size=1000,
        default_user=user,
        default_change_reason=reason,
    )


# --- The import ------------------------------------------------------------------------------


def measurements_import(
    source,
    *,
    filename: str,
    user,
    commit: bool,
    progress: Progress | None = None,
    recompute: bool = True,
) -> dict:
    """Validate every row of `source` (a binary file) and, when `commit` and there is no
    error, write them all in one transaction. Returns the report: rows, how many are
    created and updated, and the errors as {"row", "column", "message"}."""
    progress = progress or _no_progress
    started = time.monotonic()
    total = _count_rows(source, filename)
    lookups = _Lookups(user)
    errors: list[tuple[int, str, str]] = []
    frames = []
    done = 0
    for raw in _chunks(source, filename):
        missing = [c for c in REQUIRED if c not in raw.columns]
        if missing:
            raise ImportFileError(
                f"The file has no column {', '.join(missing)}; "
                "download the template for the expected columns."
            )
        frames.append(_validate_chunk(raw, done + 2, lookups, errors))
        done += len(raw)
        total = max(total, done)
        progress(done, total, VALIDATING)
    frame = (
        pd.concat(frames, ignore_index=True)
        if frames
        else _validate_chunk(pd.DataFrame(columns=COLUMNS), 2, lookups, errors)
    )
    del frames
    _duplicates(frame, errors)
    report = {
        "rows": len(frame),
        "created": 0,
        "updated": 0,
        "cmos": int(frame["cmo_id"].nunique()),
        "error_count": len(errors),
        "errors": [
            {"row": row, "column": column, "message": message}
            for row, column, message in sorted(errors)[:MAX_ERRORS_KEPT]
        ],
        "committed": False,
        "seconds": {},
    }
    if errors or frame.empty:
        _stage_done(report, VALIDATING, started)
        return report
    frame = _with_periods(frame)
    frame["existing_id"] = _existing_ids(frame).to_numpy()
    report["updated"] = int(frame["existing_id"].notna().sum())
    report["created"] = len(frame) - report["updated"]
    started = _stage_done(report, VALIDATING, started)
    if not commit:
        return report
    progress(done, total, WRITING)
    reason = CHANGE_REASON.format(name=Path(filename).name)
    cmo_ids = [int(c) for c in frame["cmo_id"].unique()]
    try:
        with transaction.atomic():
            if connection.vendor == "postgresql":
                _write_postgresql(frame, user, reason)
            else:
                _write_portable(frame, user, reason)
            started = _stage_done(report, WRITING, started)
            # The database checks the references (CMO, KPI, site, product) row by row, at
            # commit unless asked now: asked now, the wait shows as a stage of its own.
            progress(total, total, CHECKING)
            connection.check_constraints([Measurement._meta.db_table])
            if recompute:
                dispatch.enqueue("kpis.tasks.scorecards_recompute_task", cmo_ids)
    except IntegrityError as exc:
        # Validated a moment ago: someone deleted a CMO, site, product or KPI, or entered
        # one of the values, in between.
        logger.warning("Import of %s rolled back: %s", filename, exc)
        raise ImportFileError(
            "Nothing was imported: a CMO, site, product, KPI or value of this file was "
            "changed by someone else during the import. Upload the file again."
        ) from exc
    _stage_done(report, CHECKING, started)
    report["committed"] = True
    progress(total, total, "done")
    return report


def _stage_done(report: dict, stage: str, started: float) -> float:
    """Note how long `stage` took in the report; returns when the next stage starts."""
    now = time.monotonic()
    report["seconds"][stage] = round(now - started, 2)
    return now


def import_job_run(job: MeasurementImport, *, commit: bool, progress: Progress | None = None):
    """Run `measurements_import` on an uploaded file and keep its report on the job."""
    job.status = (
        MeasurementImport.Status.IMPORTING if commit else MeasurementImport.Status.VALIDATING
    )
    job.save(update_fields=["status"])
    try:
        with job.file.open("rb") as source:
            report = measurements_import(
                source,
                filename=job.original_name,
                user=job.uploaded_by,
                commit=commit,
                progress=progress,
            )
    except ImportFileError as exc:
        report = {
            "rows": 0,
            "error_count": 1,
            "errors": [{"row": 1, "column": "", "message": str(exc)}],
            "committed": False,
        }
    if report["committed"]:
        job.status = MeasurementImport.Status.DONE
    elif report["error_count"]:
        job.status = MeasurementImport.Status.INVALID
    elif report["rows"] == 0:
        job.status = MeasurementImport.Status.INVALID
        report["errors"] = [{"row": 1, "column": "", "message": "The file has no rows."}]
        report["error_count"] = 1
    else:
        job.status = MeasurementImport.Status.READY
    job.report = report
    job.save(update_fields=["status", "report"])
    return report


# --- Template ----------------------------------------------------------------------------------

TEMPLATE_ROWS = [
    ["Example Biologics GmbH", "", "", "otif", "2025Q3", "96.5", "193", "200", ""],
    ["Example Biologics GmbH", "Plant 1", "PRD-0001", "rft", "2025-08", "98", "49", "50", ""],
]


def template_frame() -> pd.DataFrame:
    return pd.DataFrame(TEMPLATE_ROWS, columns=COLUMNS)
