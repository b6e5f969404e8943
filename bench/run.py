"""The benchmarks the issues ask for, on PostgreSQL (`make bench`).

Each section builds its own data set-based (COPY, bulk inserts), measures, and returns its
figures; `SECTIONS` lists them in order, so a later benchmark (the dashboards) is one more
function and one more entry. The figures are printed and written to
`var/bench-results.json`; docs/benchmarks.md records them with the machine and the date.

    make bench                      # every section
    .venv/bin/python bench/run.py kpis_recompute kpis_import   # some of them
"""

import csv
import datetime
import io
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cmo_portal.settings")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

CMOS = 1_000
KPIS = 20
QUARTERS = 40
IMPORT_ROWS = 1_000_000
BENCH_USER = "bench"


def timed(function: Callable, *args, **kwargs) -> tuple[float, object]:
    started = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - started, result


def execute(sql: str, params=None) -> None:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


def copy_frame(frame: pd.DataFrame, table: str) -> None:
    buffer = io.StringIO()
    # Strings quoted: COPY reads an unquoted empty cell as NULL.
    frame.to_csv(buffer, index=False, header=False, quoting=csv.QUOTE_NONNUMERIC)
    buffer.seek(0)
    with connection.cursor() as cursor:
        cursor.cursor.copy_expert(
            f"COPY {table} ({', '.join(frame.columns)}) FROM STDIN WITH CSV", buffer
        )


# --- The data set -------------------------------------------------------------------------------


def portfolio_build() -> dict:
    """1,000 CMOs, 20 KPI definitions and 40 quarters of every KPI for every CMO
    (800,000 measurements), written with COPY after emptying the bench database."""
    from django.contrib.auth import get_user_model

    from cmo_portal import roles
    from kpis.models import KpiDefinition, Measurement
    from suppliers.models import Cmo

    execute(
        "TRUNCATE suppliers_cmo, kpis_scoringbasis, kpis_historicalmeasurement, "
        "suppliers_historicalcmo RESTART IDENTITY CASCADE"
    )
    user, _ = get_user_model().objects.get_or_create(username=BENCH_USER)
    from django.contrib.auth.models import Group

    user.groups.add(Group.objects.get(name=roles.SUPPLY_CHAIN_MANAGER))

    KpiDefinition.objects.filter(code__startswith="bench_").delete()
    extra = KPIS - KpiDefinition.objects.count()
    KpiDefinition.objects.bulk_create(
        KpiDefinition(
            code=f"bench_{i:02d}",
            name=f"Bench KPI {i}",
            category=KpiDefinition.Category.RELATIONSHIP,
            unit="points",
            direction=KpiDefinition.Direction.HIGHER if i % 2 else KpiDefinition.Direction.LOWER,
            target=80 if i % 2 else 20,
            amber_threshold=70 if i % 2 else 30,
            red_threshold=60 if i % 2 else 40,
            default_weight=5,
            rollup=KpiDefinition.Rollup.SUM if i % 3 == 0 else KpiDefinition.Rollup.MEAN,
        )
        for i in range(extra)
    )
    kpis = pd.DataFrame(
        KpiDefinition.objects.values("id", "target", "amber_threshold", "red_threshold")
    ).astype(float)
    # Through the ORM: a thousand rows, and every default of the model applies.
    Cmo.objects.bulk_create(
        Cmo(
            name=f"Bench CMO {i:04d}",
            country=("Germany", "India", "Ireland", "United States")[i % 4],
            status=Cmo.Status.APPROVED,
            annual_spend=1_000_000,
            sourcing_objective=Cmo.SourcingObjective.CAPACITY,
        )
        for i in range(CMOS)
    )
    cmo_ids = np.array(Cmo.objects.order_by("pk").values_list("pk", flat=True))

    periods = pd.period_range("2016Q1", periods=QUARTERS, freq="Q").start_time.strftime("%Y-%m-%d")
    rng = np.random.default_rng(4)
    grid = pd.MultiIndex.from_product(
        [cmo_ids, kpis["id"].astype(int), periods], names=["cmo_id", "kpi_id", "period"]
    ).to_frame(index=False)
    thresholds = grid.merge(kpis, left_on="kpi_id", right_on="id", how="left")
    spread = (thresholds["red_threshold"] - thresholds["target"]).to_numpy()
    grid["value"] = (
        (thresholds["target"] + spread * rng.uniform(-0.5, 1.6, len(grid))).clip(lower=0).round(2)
    )
    grid["source"] = Measurement.Source.IMPORT
    grid["comment"] = ""
    grid["updated"] = datetime.datetime.now(datetime.UTC).isoformat()
    seconds, _ = timed(copy_frame, grid, Measurement._meta.db_table)
    execute("ANALYZE")
    return {
        "cmos": CMOS,
        "kpis": KPIS,
        "quarters": QUARTERS,
        "measurements": len(grid),
        "build_copy_seconds": round(seconds, 2),
    }


# --- Recompute ------------------------------------------------------------------------------------

REFERENCE_SQL = """
INSERT INTO bench_reference_score (cmo_id, period, score)
SELECT cmo_id, period, SUM(score * weight) / NULLIF(SUM(weight), 0)
FROM (
    SELECT q.cmo_id, q.period, w.weight,
        CASE
            WHEN v >= t THEN 100
            WHEN v >= a THEN 75 + 25 * (v - a) / NULLIF(t - a, 0)
            WHEN v >= r THEN 50 + 25 * (v - r) / NULLIF(a - r, 0)
            WHEN COALESCE(NULLIF(a - r, 0), t - r) > 0
                THEN GREATEST(0, 50 - 50 * (r - v) / COALESCE(NULLIF(a - r, 0), t - r))
            ELSE 0
        END AS score
    FROM (
        SELECT m.cmo_id, m.period, m.kpi_id,
            CASE WHEN k.rollup = 'sum' THEN SUM(m.value) ELSE AVG(m.value) END AS value
        FROM kpis_measurement m JOIN kpis_kpidefinition k ON k.id = m.kpi_id
        WHERE k.is_active
        GROUP BY m.cmo_id, m.period, m.kpi_id, k.rollup
    ) q
    JOIN kpis_kpidefinition k ON k.id = q.kpi_id
    LEFT JOIN kpis_cmokpi c ON c.cmo_id = q.cmo_id AND c.kpi_id = q.kpi_id
    CROSS JOIN LATERAL (
        SELECT COALESCE(c.weight, k.default_weight) AS weight,
            CASE WHEN k.direction = 'lower' THEN -1 ELSE 1 END AS sign
    ) w
    CROSS JOIN LATERAL (
        SELECT q.value * w.sign AS v, k.target * w.sign AS t,
               k.amber_threshold * w.sign AS a, k.red_threshold * w.sign AS r
    ) s
    WHERE COALESCE(c.applies, TRUE)
) scored
GROUP BY cmo_id, period
"""


def portfolio_ready() -> None:
    """Build the KPI portfolio unless it is there (another section may have replaced it)."""
    from kpis.models import Measurement

    if Measurement.objects.filter(cmo__name="Bench CMO 0000").count() != KPIS * QUARTERS:
        portfolio_build()


def kpis_recompute() -> dict:
    """The full set-based recompute of every scorecard, against one hand-written SQL
    statement computing the same weighted scores."""
    from kpis.models import Scorecard
    from kpis.services import scorecards_recompute

    portfolio_ready()
    execute("TRUNCATE kpis_scorecard")
    first, count = timed(scorecards_recompute)
    again, _ = timed(scorecards_recompute)
    execute("DROP TABLE IF EXISTS bench_reference_score")
    execute("CREATE TABLE bench_reference_score (cmo_id bigint, period date, score numeric)")
    reference, _ = timed(execute, REFERENCE_SQL)
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT COUNT(*), MAX(ABS(s.score - r.score::float)) FROM kpis_scorecard s "
            "JOIN bench_reference_score r USING (cmo_id, period)"
        )
        matched, max_difference = cursor.fetchone()
    execute("DROP TABLE bench_reference_score")
    return {
        "scorecards": count,
        "recompute_seconds": round(first, 2),
        "recompute_again_seconds": round(again, 2),
        "reference_sql_seconds": round(reference, 2),
        "ratio": round(first / reference, 2),
        "ratio_again": round(again / reference, 2),
        "scores_matched": matched,
        "scorecards_in_table": Scorecard.objects.count(),
        "max_score_difference": round(max_difference or 0, 4),
    }


# --- Import --------------------------------------------------------------------------------------


def import_file_write(path: Path) -> int:
    """A CSV of 1,000,000 monthly values: 1,000 CMOs × 10 KPIs × 100 months."""
    from kpis.models import KpiDefinition

    codes = list(KpiDefinition.objects.filter(unit="%").values_list("code", flat=True))
    codes += list(
        KpiDefinition.objects.exclude(unit="%").values_list("code", flat=True)[: 10 - len(codes)]
    )
    months = pd.period_range("2001-01", periods=IMPORT_ROWS // (CMOS * len(codes)), freq="M")
    grid = pd.MultiIndex.from_product(
        [[f"Bench CMO {i:04d}" for i in range(CMOS)], codes, months.strftime("%Y-%m")],
        names=["cmo", "kpi", "period"],
    ).to_frame(index=False)
    grid["value"] = np.random.default_rng(5).uniform(50, 100, len(grid)).round(2)
    grid.to_csv(path, index=False)
    return len(grid)


def _import_child(path: str) -> None:
    """Run in a fresh process, so that its peak memory is the import's alone."""
    from django.contrib.auth import get_user_model

    from kpis.imports import measurements_import

    user = get_user_model().objects.get(username=BENCH_USER)
    with open(path, "rb") as source:
        seconds, report = timed(
            measurements_import,
            source,
            filename=Path(path).name,
            user=user,
            commit=True,
            recompute=False,
        )
    # VmHWM: this process image's peak resident memory (getrusage's maxrss would carry
    # over the parent's peak from before exec).
    status = Path("/proc/self/status").read_text().splitlines()
    peak_kb = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    summary = {k: v for k, v in report.items() if k != "errors"}
    print(json.dumps({"seconds": seconds, "peak_kb": peak_kb, "report": summary}))


def _copy_seconds(path: Path, table: str, columns: str) -> float:
    """COPY of the CSV at `path` into a new table `table` (`columns` as in CREATE TABLE);
    the table is dropped again."""
    execute(f"DROP TABLE IF EXISTS {table}")
    execute(f"CREATE TABLE {table} ({columns})")
    with connection.cursor() as cursor, path.open() as source:
        header = source.readline().strip()
        source.seek(0)
        seconds, _ = timed(
            cursor.cursor.copy_expert,
            f"COPY {table} ({header}) FROM STDIN WITH CSV HEADER",
            source,
        )
    execute(f"DROP TABLE {table}")
    return seconds


def _typed_file_write(source: Path, path: Path) -> None:
    """The import file with ids and dates in place of names and months, as a table with the
    measurements' keys would store it."""
    from kpis.models import KpiDefinition
    from suppliers.models import Cmo

    rows = pd.read_csv(source)
    cmos = dict(Cmo.objects.filter(name__startswith="Bench CMO").values_list("name", "pk"))
    kpis = dict(KpiDefinition.objects.values_list("code", "pk"))
    month = pd.PeriodIndex(rows["period"], freq="M")
    pd.DataFrame(
        {
            "cmo_id": rows["cmo"].map(cmos),
            "period": month.asfreq("Q").start_time.strftime("%Y-%m-%d"),
            "kpi_id": rows["kpi"].map(kpis),
            "month": month.month,
            "value": rows["value"],
        }
    ).to_csv(path, index=False)


def kpis_import() -> dict:
    """Import of a 1,000,000-row CSV (validate every row, write in one transaction with
    history) against COPY of the same file into a bare table, with the import's stages and,
    as a floor, COPY of the same rows into a table with only the measurements' primary key
    and one-value-per-period unique key."""
    from kpis.models import Measurement

    portfolio_ready()
    with tempfile.TemporaryDirectory() as directory:
        path = Path(directory) / "measurements.csv"
        rows = import_file_write(path)
        size = path.stat().st_size
        # A re-run imports anew into the same table as the first run: the previous run's
        # rows deleted (raw SQL: the ORM would send a signal per row) and their space freed.
        execute(f"DELETE FROM {Measurement._meta.db_table} WHERE month IS NOT NULL")
        execute(f"VACUUM {Measurement._meta.db_table}")
        child = subprocess.run(
            [sys.executable, __file__, "--import-child", str(path)],
            capture_output=True,
            text=True,
            check=True,
            cwd=ROOT,
        )
        result = json.loads(child.stdout.strip().splitlines()[-1])
        copy_seconds = _copy_seconds(
            path, "bench_copy_target", "cmo text, kpi text, period text, value numeric"
        )
        typed = Path(directory) / "typed.csv"
        _typed_file_write(path, typed)
        floor_seconds = _copy_seconds(
            typed,
            "bench_unique_key_target",
            "id bigint GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY, cmo_id bigint, "
            "period date, kpi_id bigint, month smallint, value numeric(14, 4), "
            "UNIQUE (cmo_id, period, kpi_id, month)",
        )
    report = result["report"]
    assert report["created"] == rows and report["error_count"] == 0, report
    stages = {
        f"stage_{stage.replace(' ', '_')}_seconds": seconds
        for stage, seconds in report["seconds"].items()
    }
    return {
        "rows": rows,
        "file_mb": round(size / 1e6, 1),
        "import_seconds": round(result["seconds"], 2),
        **stages,
        "rows_per_second": round(rows / result["seconds"]),
        "peak_rss_mb": round(result["peak_kb"] / 1024),
        "copy_seconds": round(copy_seconds, 2),
        "ratio": round(result["seconds"] / copy_seconds, 2),
        "unique_key_copy_seconds": round(floor_seconds, 2),
        "unique_key_copy_ratio": round(floor_seconds / copy_seconds, 2),
    }


# --- Running -------------------------------------------------------------------------------------

from bench.dashboards import dashboards  # noqa: E402
from bench.load import load  # noqa: E402

SECTIONS: dict[str, Callable[[], dict]] = {
    "portfolio_build": portfolio_build,
    "kpis_recompute": kpis_recompute,
    "kpis_import": kpis_import,
    # It replaces the portfolio with the 1,000-CMO demo; the load test runs on that.
    "dashboards": dashboards,
    "load": load,
}
GOALS = {
    "kpis_recompute": "recompute ≤ 10 s, ratio to hand-written SQL ≤ 2",
    "kpis_import": "≥ 20,000 rows/s, peak < 500 MB, ratio to COPY ≤ 5",
    "dashboards": "portfolio dashboard ≤ 300 ms, CMO health page ≤ 150 ms (median)",
    "load": "50 users for 60 s with zero errors; p50, p95 and requests per second reported",
}


def machine() -> dict:
    cpuinfo = Path("/proc/cpuinfo").read_text().splitlines()
    cpu = next(
        (line.split(":", 1)[1].strip() for line in cpuinfo if "model name" in line),
        platform.processor(),
    )
    meminfo = Path("/proc/meminfo").read_text().splitlines()
    memory_kb = next(int(line.split()[1]) for line in meminfo if line.startswith("MemTotal"))
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        postgres = cursor.fetchone()[0]
    return {
        "date": datetime.date.today().isoformat(),
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_kb / 1024 / 1024),
        "python": platform.python_version(),
        "postgresql": postgres,
        "pandas": pd.__version__,
    }


def main(names: list[str]) -> None:
    if connection.vendor != "postgresql":
        sys.exit("The benchmarks run on PostgreSQL: set DATABASE_URL (make bench does).")
    call_command("migrate", verbosity=0)
    results = {"machine": machine()}
    for name in names or SECTIONS:
        print(f"== {name}", flush=True)
        results[name] = SECTIONS[name]()
        for key, value in results[name].items():
            print(f"   {key:28} {value}")
        if name in GOALS:
            print(f"   goal: {GOALS[name]}")
    out = ROOT / "var" / "bench-results.json"
    out.write_text(json.dumps(results, indent=2))
    print(f"machine: {results['machine']}\nwritten to {out}")


if __name__ == "__main__":
    if sys.argv[1:2] == ["--import-child"]:
        _import_child(sys.argv[2])
    else:
        main(sys.argv[1:])
