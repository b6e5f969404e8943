"""Writes that span several KPI records: the scoring bases and the bulk recompute of
scorecards.

The recompute is set-based: one read of the measurement table into a DataFrame, the
scoring rules of `kpis.scoring` applied to whole columns, one upsert of the scorecards.
Its number of queries does not grow with the number of CMOs, KPIs or quarters.
"""

import hashlib
import io
import json
import logging
from collections.abc import Iterable

import numpy as np
import pandas as pd
from django.db import connection, transaction
from django.db.models import FloatField, Value
from django.db.models.functions import Cast, Coalesce, ExtractQuarter, ExtractYear
from django.utils import timezone

from kpis import scoring
from kpis.models import CmoKpi, KpiDefinition, Measurement, Scorecard, ScoringBasis
from kpis.signals import scorecards_recomputed

logger = logging.getLogger(__name__)

# A value for the whole quarter counts as its last month for the "last" roll-up.
WHOLE_QUARTER = 99


# --- Scoring bases ------------------------------------------------------------------------


def _basis_line(kpi: KpiDefinition, weight) -> dict:
    return {
        "id": kpi.pk,
        "code": kpi.code,
        "name": kpi.name,
        "category": kpi.category,
        "unit": kpi.unit,
        "direction": kpi.direction,
        "target": float(kpi.target),
        "amber": float(kpi.amber_threshold),
        "red": float(kpi.red_threshold),
        "weight": float(weight),
        "rollup": kpi.rollup,
    }


def _digest(lines: list[dict]) -> str:
    return hashlib.sha256(json.dumps(lines, sort_keys=True).encode()).hexdigest()


def current_bases(cmo_ids: Iterable[int]) -> dict[int, int]:
    """The id of the scoring basis each CMO would be scored with today: the KPIs in use,
    less those switched off for the CMO, with the CMO's weights. Bases are shared by
    content, so the queries do not grow with the number of CMOs."""
    cmo_ids = list(cmo_ids)
    definitions = list(KpiDefinition.objects.active().order_by("code"))
    settings: dict[int, dict[int, CmoKpi]] = {}
    for setting in CmoKpi.objects.filter(cmo_id__in=cmo_ids):
        settings.setdefault(setting.cmo_id, {})[setting.kpi_id] = setting

    def lines_for(own: dict[int, CmoKpi]) -> list[dict]:
        lines = []
        for kpi in definitions:
            setting = own.get(kpi.pk)
            if setting is not None and not setting.applies:
                continue
            weight = setting.weight if setting is not None and setting.weight is not None else None
            lines.append(_basis_line(kpi, kpi.default_weight if weight is None else weight))
        return lines

    default = lines_for({})
    by_digest = {_digest(default): default}
    digest_of_cmo = {}
    for cmo_id in cmo_ids:
        lines = lines_for(settings[cmo_id]) if cmo_id in settings else default
        digest = _digest(lines) if cmo_id in settings else _digest(default)
        by_digest.setdefault(digest, lines)
        digest_of_cmo[cmo_id] = digest
    ScoringBasis.objects.bulk_create(
        [ScoringBasis(digest=d, kpis=lines) for d, lines in by_digest.items()],
        ignore_conflicts=True,
    )
    ids = dict(ScoringBasis.objects.filter(digest__in=by_digest).values_list("digest", "id"))
    return {cmo_id: ids[digest] for cmo_id, digest in digest_of_cmo.items()}


# --- Reading and writing whole tables -------------------------------------------------------


def _read_frame(queryset, columns: list[str]) -> pd.DataFrame:
    """The rows of a `values_list` queryset as a DataFrame; on PostgreSQL through COPY,
    which is several times faster than fetching rows one by one."""
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            buffer = io.StringIO()
            raw = cursor.cursor
            raw.copy_expert(
                f"COPY ({raw.mogrify(sql, params).decode()}) TO STDOUT WITH CSV", buffer
            )
            buffer.seek(0)
            return pd.read_csv(buffer, names=columns, header=None)
        cursor.execute(sql, params)
        return pd.DataFrame(cursor.fetchall(), columns=columns)


_SCORECARD_COLUMNS = [
    "cmo_id",
    "period",
    "basis_id",
    "score",
    "status",
    "completeness",
    "measured_count",
    "kpi_count",
    "delta",
    "lines",
    "is_latest",
    "computed",
]


def _upsert_scorecards(frame: pd.DataFrame) -> None:
    table = Scorecard._meta.db_table
    columns = ", ".join(_SCORECARD_COLUMNS)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in _SCORECARD_COLUMNS[2:])
    conflict = f"ON CONFLICT (cmo_id, period) DO UPDATE SET {updates}"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                f"CREATE TEMP TABLE _scorecard_upsert ON COMMIT DROP AS "
                f"SELECT {columns} FROM {table} WITH NO DATA"
            )
            buffer = io.StringIO()
            frame[_SCORECARD_COLUMNS].to_csv(buffer, index=False, header=False)
            buffer.seek(0)
            cursor.cursor.copy_expert(
                f"COPY _scorecard_upsert ({columns}) FROM STDIN WITH CSV", buffer
            )
            cursor.execute(
                f"INSERT INTO {table} ({columns}) SELECT {columns} FROM _scorecard_upsert "
                f"{conflict}"
            )
            cursor.execute("DROP TABLE _scorecard_upsert")
            return
        values = frame[_SCORECARD_COLUMNS]
        rows = values.astype(object).where(values.notna(), None)
        placeholders = ", ".join(["%s"] * len(_SCORECARD_COLUMNS))
        cursor.executemany(
            f"INSERT INTO {table} ({columns}) VALUES ({placeholders}) {conflict}",
            rows.itertuples(index=False, name=None),
        )


# --- The recompute ----------------------------------------------------------------------------


def _basis_frame(basis_ids: Iterable[int]) -> pd.DataFrame:
    rows = [
        {"basis_id": basis_id, **line}
        for basis_id, kpis in ScoringBasis.objects.filter(pk__in=set(basis_ids)).values_list(
            "id", "kpis"
        )
        for line in kpis
    ]
    frame = pd.DataFrame(
        rows,
        columns=[
            "basis_id",
            "id",
            "code",
            "direction",
            "target",
            "amber",
            "red",
            "weight",
            "rollup",
        ],
    )
    return frame.rename(columns={"id": "kpi_id"})


def _quarter_number(field: str):
    """A quarter as one integer (year · 4 + quarter − 1), computed by the database:
    integer keys join several times faster than dates or text in pandas."""
    return ExtractYear(field) * 4 + ExtractQuarter(field) - 1


def _quarter_dates(numbers: pd.Series) -> pd.Series:
    years, quarters = numbers // 4, numbers % 4
    return years.astype(str) + "-" + (quarters * 3 + 1).astype(str).str.zfill(2) + "-01"


def _lines_json(lines: pd.DataFrame, groups: pd.DataFrame) -> pd.Series:
    """The measured lines of each scorecard as a JSON object {code: [value, score]}, in
    the order of `groups` (cmo_id, quarter); built on whole columns: one string join over
    all lines, split at the scorecards' boundaries."""
    shown = lines[lines["measured"]].sort_values(["cmo_id", "quarter"], kind="stable")
    if shown.empty:
        return pd.Series("{}", index=groups.index)
    key = shown["cmo_id"].to_numpy() * 100_000 + shown["quarter"].to_numpy()
    starts = np.r_[True, key[1:] != key[:-1]]
    items = (
        np.where(starts, "\x1e", ",").astype(object)
        + '"'
        + shown["code"].to_numpy(dtype=object)
        + '":['
        + shown["value"].round(4).to_numpy().astype(str).astype(object)
        + ","
        + shown["score"].to_numpy().astype(str).astype(object)
        + "]"
    )
    texts = "".join(items).split("\x1e")[1:]
    by_key = pd.Series(["{" + text + "}" for text in texts], index=key[starts])
    wanted = groups["cmo_id"].to_numpy() * 100_000 + groups["quarter"].to_numpy()
    return pd.Series(by_key.reindex(wanted).fillna("{}").to_numpy(), index=groups.index)


def score_frame(measurements: pd.DataFrame, cards: pd.DataFrame, bases: pd.DataFrame):
    """The scorecards of `cards` (cmo_id, quarter, basis_id) from `measurements` (cmo_id,
    kpi_id, quarter, month, value) and the KPI lines of their `bases`: one row per
    scorecard with its score, status, completeness, change and lines."""
    keys = ["cmo_id", "quarter", "kpi_id"]
    grouped = measurements.groupby(keys, sort=False)["value"]
    rolled = grouped.agg(["mean", "sum"])
    latest = measurements.groupby(keys, sort=False)["month"].transform("max")
    rolled["last"] = (
        measurements[measurements["month"] == latest].groupby(keys, sort=False)["value"].mean()
    )
    bases = bases.assign(
        is_sum=bases["rollup"] == "sum",
        is_last=bases["rollup"] == "last",
        lower=bases["direction"] == scoring.LOWER,
    ).drop(columns=["rollup", "direction"])
    lines = cards.merge(bases, on="basis_id").merge(
        rolled.reset_index(), on=keys, how="left", sort=False
    )
    lines["value"] = np.select(
        [lines["is_sum"].to_numpy(), lines["is_last"].to_numpy()],
        [lines["sum"].to_numpy(), lines["last"].to_numpy()],
        lines["mean"].to_numpy(),
    )
    score = scoring.kpi_scores(
        lines["value"].to_numpy(dtype=float),
        lines["target"].to_numpy(dtype=float),
        lines["amber"].to_numpy(dtype=float),
        lines["red"].to_numpy(dtype=float),
        lines["lower"].to_numpy(dtype=bool),
    ).round(2)
    measured = ~np.isnan(score)
    weight = lines["weight"].to_numpy(dtype=float)
    lines["score"] = score
    lines["measured"] = measured
    lines["measured_weight"] = np.where(measured, weight, 0.0)
    lines["weighted_score"] = np.where(measured, score * weight, 0.0)

    result = lines.groupby(["cmo_id", "quarter", "basis_id"], sort=False).agg(
        total_weight=("weight", "sum"),
        measured_weight=("measured_weight", "sum"),
        weighted_score=("weighted_score", "sum"),
        measured_count=("measured", "sum"),
        kpi_count=("kpi_id", "size"),
    )
    result = result.reset_index()
    with np.errstate(divide="ignore", invalid="ignore"):
        result["score"] = np.where(
            result["measured_weight"] > 0,
            result["weighted_score"] / result["measured_weight"],
            np.nan,
        ).round(2)
        result["completeness"] = np.where(
            result["total_weight"] > 0,
            100.0 * result["measured_weight"] / result["total_weight"],
            np.nan,
        ).round(1)
    result["status"] = scoring.statuses_for(result["score"].to_numpy())
    result["lines"] = _lines_json(lines, result)
    previous = result[["cmo_id", "quarter", "score"]].rename(columns={"score": "previous"})
    previous["quarter"] += 1
    result = result.merge(previous, on=["cmo_id", "quarter"], how="left")
    result["delta"] = (result["score"] - result["previous"]).round(2)
    result["is_latest"] = result["quarter"] == result.groupby("cmo_id")["quarter"].transform("max")
    result["period"] = _quarter_dates(result["quarter"])
    return result


def scorecards_recompute(cmo_ids: Iterable[int] | None = None, *, rebase: bool = False) -> int:
    """Recompute the scorecards of the CMOs `cmo_ids` (all when None), every quarter that
    has measurements; returns how many scorecards were written.

    A scorecard that already exists keeps its scoring basis, so a later change of a target
    or weight does not rewrite history; `rebase=True` scores every quarter with today's
    definitions instead. Quarters without any measurement lose their scorecard: no
    measurement, no score.
    """
    scope = None if cmo_ids is None else sorted(set(cmo_ids))
    measurements_qs = Measurement.objects.order_by().values_list(
        "cmo_id",
        "kpi_id",
        _quarter_number("period"),
        Coalesce("month", Value(WHOLE_QUARTER)),
        Cast("value", FloatField()),
    )
    existing_qs = Scorecard.objects.order_by().values_list(
        "id", "cmo_id", _quarter_number("period"), "basis_id"
    )
    if scope is not None:
        measurements_qs = measurements_qs.filter(cmo_id__in=scope)
        existing_qs = existing_qs.filter(cmo_id__in=scope)
    with transaction.atomic():
        measurements = _read_frame(
            measurements_qs, ["cmo_id", "kpi_id", "quarter", "month", "value"]
        )
        existing = _read_frame(existing_qs, ["id", "cmo_id", "quarter", "basis_id"])

        cards = measurements[["cmo_id", "quarter"]].drop_duplicates()
        kept = existing[["cmo_id", "quarter", "basis_id"]]
        cards = cards.merge(
            kept.iloc[:0] if rebase else kept,
            on=["cmo_id", "quarter"],
            how="left",
        )
        unbased = cards["basis_id"].isna()
        if unbased.any():
            current = current_bases(cards.loc[unbased, "cmo_id"].unique().tolist())
            cards.loc[unbased, "basis_id"] = cards.loc[unbased, "cmo_id"].map(current)
        cards["basis_id"] = cards["basis_id"].astype(int)

        obsolete = existing.merge(cards, on=["cmo_id", "quarter"], how="left", indicator=True)
        obsolete_ids = obsolete.loc[obsolete["_merge"] == "left_only", "id"].tolist()
        for start in range(0, len(obsolete_ids), 5000):
            Scorecard.objects.filter(pk__in=obsolete_ids[start : start + 5000]).delete()
        if cards.empty:
            return 0

        result = score_frame(measurements, cards, _basis_frame(cards["basis_id"].unique()))
        result["computed"] = timezone.now().isoformat()
        result["is_latest"] = result["is_latest"].astype(bool)
        for column in ("measured_count", "kpi_count"):
            result[column] = result[column].astype(int)
        _upsert_scorecards(result)
    logger.info("recomputed %d scorecards", len(result))
    scorecards_recomputed.send(sender=Scorecard, cmo_ids=scope)
    return len(result)
