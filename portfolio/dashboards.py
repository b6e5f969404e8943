"""Reads for the dashboards: set-based aggregations that return plain data and DataFrames.

Every function issues a fixed number of queries whatever the size of the portfolio; rows
are fetched once with `values()` and aggregated in the database or in pandas, never per
record in Python. The dashboards cover the *active* CMOs (qualifying, approved,
conditionally approved), narrowed by the filters the executive chose.
"""

import datetime
from dataclasses import dataclass, field

import pandas as pd
from django.db.models import (
    Case,
    Count,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Value,
    When,
)
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode

from contracts.models import Contract
from kpis.models import Scorecard
from portfolio import selectors
from portfolio.models import CmoRisk, OversightFinding, RiskLevel, RiskScore, Severity
from reviews.models import ActionItem, BusinessReview
from suppliers.models import Audit, Cmo, Site

NOTICE_WINDOW_DAYS = 90
TOP_RISKS = 10
TOP_SPEND = 15
LIST_ROWS = 10


class Health:
    """A CMO's health on the dashboard: its latest scorecard and its worst supply risk,
    whichever is worse. A red scorecard or a critical arrangement makes it critical; amber
    or a high risk, at risk; a green scorecard or only low and medium risks, healthy.
    With neither a scorecard nor a computed risk it is not assessed."""

    HEALTHY = "healthy"
    AT_RISK = "at_risk"
    CRITICAL = "critical"
    UNKNOWN = "unknown"
    CHOICES = [
        (HEALTHY, "Healthy"),
        (AT_RISK, "At risk"),
        (CRITICAL, "Critical"),
        (UNKNOWN, "Not assessed"),
    ]
    LABELS = dict(CHOICES)

    @classmethod
    def expression(cls):
        """The health as SQL, over `latest` (the latest scorecard) and `risk` (CmoRisk)."""
        red, amber, green = Scorecard.Status.RED, Scorecard.Status.AMBER, Scorecard.Status.GREEN
        return Case(
            When(
                Q(latest__status=red) | Q(risk__worst_level=RiskLevel.CRITICAL),
                then=Value(cls.CRITICAL),
            ),
            When(
                Q(latest__status=amber) | Q(risk__worst_level=RiskLevel.HIGH),
                then=Value(cls.AT_RISK),
            ),
            When(
                Q(latest__status=green)
                | Q(risk__worst_level__in=[RiskLevel.LOW, RiskLevel.MEDIUM]),
                then=Value(cls.HEALTHY),
            ),
            default=Value(cls.UNKNOWN),
        )


@dataclass(frozen=True)
class PortfolioFilters:
    """The executive's filters: each narrows the CMOs every tile is computed over."""

    country: str = ""
    capability: int | None = None
    tier: str = ""
    relationship_manager: int | None = None

    def cmos(self) -> QuerySet:
        cmos = Cmo.objects.active()
        if self.country:
            cmos = cmos.filter(country__iexact=self.country)
        if self.capability:
            cmos = cmos.filter(capabilities=self.capability)
        if self.tier:
            cmos = cmos.filter(oversight_tier=self.tier)
        if self.relationship_manager:
            cmos = cmos.filter(relationship_manager=self.relationship_manager)
        return cmos

    def q(self, prefix: str = "") -> Q:
        """The same selection as a condition through `prefix` ("cmo__"), for a join
        rather than an `IN (subquery)` that the planner handles worse on large tables."""
        condition = Q(**{f"{prefix}status__in": Cmo.ACTIVE_STATUSES})
        if self.country:
            condition &= Q(**{f"{prefix}country__iexact": self.country})
        if self.capability:
            condition &= Q(**{f"{prefix}capabilities": self.capability})
        if self.tier:
            condition &= Q(**{f"{prefix}oversight_tier": self.tier})
        if self.relationship_manager:
            condition &= Q(**{f"{prefix}relationship_manager": self.relationship_manager})
        return condition

    @property
    def params(self) -> dict:
        return {k: v for k, v in self.__dict__.items() if v not in ("", None)}

    @property
    def active(self) -> bool:
        return bool(self.params)

    def query(self, **extra) -> str:
        """The query string of these filters with `extra`, for links to a drill-down."""
        return urlencode({**self.params, **{k: v for k, v in extra.items() if v is not None}})


def cmos_with_health(cmos: QuerySet) -> QuerySet:
    """`cmos` annotated with the latest scorecard's score and status, the worst risk level
    and the health (see `Health`); one query when evaluated."""
    return cmos.annotate(
        latest=FilteredRelation("scorecards", condition=Q(scorecards__is_latest=True)),
        latest_score=F("latest__score"),
        latest_status=F("latest__status"),
        latest_period=F("latest__period"),
        worst_level=F("risk__worst_level"),
        worst_score=F("risk__worst_score"),
        health=Health.expression(),
    )


CMO_COLUMNS = {
    "id": "id",
    "name": "name",
    "country": "country",
    "tier": "oversight_tier",
    "status": "status",
    "spend": "annual_spend",
    "score": "latest_score",
    "scorecard": "latest_status",
    "worst_level": "worst_level",
    "health": "health",
    "rm_first": "relationship_manager__first_name",
    "rm_last": "relationship_manager__last_name",
    "rm_username": "relationship_manager__username",
}


def cmo_frame(cmos: QuerySet) -> pd.DataFrame:
    """One row per CMO with what the portfolio tiles aggregate. One query."""
    rows = cmos_with_health(cmos).order_by().values(*CMO_COLUMNS.values())
    frame = pd.DataFrame.from_records(list(rows), columns=list(CMO_COLUMNS.values()))
    frame = frame.rename(columns={v: k for k, v in CMO_COLUMNS.items()})
    frame["spend"] = pd.to_numeric(frame["spend"], errors="coerce").fillna(0.0).astype(float)
    frame["score"] = pd.to_numeric(frame["score"], errors="coerce")
    names = (frame["rm_first"].fillna("") + " " + frame["rm_last"].fillna("")).str.strip()
    frame["relationship_manager"] = names.where(names != "", frame["rm_username"].fillna(""))
    return frame.drop(columns=["rm_first", "rm_last", "rm_username"])


@dataclass
class PortfolioDashboard:
    """Everything the executive dashboard shows, as plain data."""

    filters: PortfolioFilters
    today: datetime.date
    cmos: pd.DataFrame
    health_counts: list[dict]
    tier_health: pd.DataFrame
    score_bins: list[dict]
    spend_by_cmo: pd.DataFrame
    spend_by_country: pd.DataFrame
    notice_contracts: pd.DataFrame
    overdue_reviews: pd.DataFrame
    overdue_actions: pd.DataFrame
    finding_counts: list[dict]
    findings: pd.DataFrame
    top_risks: list
    matrix: list[dict]
    links: dict = field(default_factory=dict)

    @property
    def total_spend(self) -> float:
        return float(self.cmos["spend"].sum()) if len(self.cmos) else 0.0

    @property
    def scored_count(self) -> int:
        return int(self.cmos["score"].notna().sum())

    @property
    def open_findings(self) -> int:
        return sum(row["count"] for row in self.finding_counts)

    def tables(self) -> dict[str, pd.DataFrame]:
        """The dashboard's tables, as exported."""
        cmos = self.cmos.assign(
            health=self.cmos["health"].map(Health.LABELS),
            tier=self.cmos["tier"].map(dict(Cmo.OversightTier.choices)).fillna(""),
        )
        return {
            "CMOs": cmos[
                [
                    "name",
                    "country",
                    "health",
                    "score",
                    "scorecard",
                    "worst_level",
                    "tier",
                    "spend",
                    "relationship_manager",
                ]
            ],
            "Spend by country": self.spend_by_country,
            "Notice in 90 days": self.notice_contracts.drop(
                columns=["id", "cmo_id"], errors="ignore"
            ),
            "Overdue reviews": self.overdue_reviews.drop(columns=["id", "cmo_id"], errors="ignore"),
            "Overdue actions": self.overdue_actions.drop(columns=["id", "cmo_id"], errors="ignore"),
            "Open findings": open_findings(self.filters.cmos()).drop(
                columns=["id", "cmo_id", "fix_url"], errors="ignore"
            ),
            "Top risks": pd.DataFrame(
                [
                    {
                        "product": f"{r.product.code} {r.product.name}",
                        "CMO": r.cmo.name,
                        "stage": r.stage.get_step_display(),
                        "site": r.stage.site.name,
                        "likelihood": r.likelihood,
                        "impact": r.impact,
                        "score": r.score,
                        "level": r.get_level_display(),
                        "reasons": "; ".join(r.reasons),
                    }
                    for r in self.top_risks
                ]
            ),
        }


def portfolio_dashboard(
    filters: PortfolioFilters | None = None, today: datetime.date | None = None
) -> PortfolioDashboard:
    """The executive dashboard over the CMOs `filters` select. Nine queries."""
    filters = filters or PortfolioFilters()
    today = today or timezone.localdate()
    cmos = filters.cmos()
    frame = cmo_frame(cmos)  # 1
    scores = RiskScore.objects.filter(filters.q("cmo__"))
    return PortfolioDashboard(
        filters=filters,
        today=today,
        cmos=frame,
        health_counts=health_counts(frame),
        tier_health=tier_health(frame),
        score_bins=score_bins(frame),
        spend_by_cmo=spend_by_cmo(frame),
        spend_by_country=spend_by_country(frame),
        notice_contracts=notice_contracts(cmos, today),  # 2
        overdue_reviews=overdue_reviews(cmos, today),  # 3
        overdue_actions=overdue_actions(cmos, today),  # 4
        finding_counts=finding_counts(cmos),  # 5
        findings=open_findings(cmos, limit=LIST_ROWS),  # 6
        top_risks=top_risks(scores),  # 7
        matrix=selectors.risk_matrix(scores),  # 8
        links=portfolio_links(filters, today),
    )


# --- Aggregations over the CMO frame (pandas, no query) -------------------------------------


def health_counts(frame: pd.DataFrame) -> list[dict]:
    counts = frame["health"].value_counts()
    return [
        {"health": value, "label": label, "count": int(counts.get(value, 0))}
        for value, label in Health.CHOICES
    ]


def tier_health(frame: pd.DataFrame) -> pd.DataFrame:
    """CMOs per oversight tier (rows; "" = not tiered) and health (columns)."""
    table = pd.crosstab(frame["tier"].fillna(""), frame["health"])
    tiers = [*Cmo.OversightTier.values, ""]
    return table.reindex(index=tiers, columns=[h for h, _ in Health.CHOICES], fill_value=0)


def score_bins(frame: pd.DataFrame, width: int = 10) -> list[dict]:
    """The latest scores in bins of `width` points (0–10, 10–20 … 90–100)."""
    scores = frame["score"].dropna()
    edges = list(range(0, 100 + width, width))
    binned = pd.cut(scores, bins=edges, include_lowest=True, right=False).value_counts()
    counts = {interval.left: int(n) for interval, n in binned.items()}
    # A perfect 100 falls outside [90, 100): count it in the top bin.
    counts[100 - width] = counts.get(100 - width, 0) + int((scores == 100).sum())
    return [
        {"low": low, "high": low + width, "count": counts.get(low, 0)}
        for low in range(0, 100, width)
    ]


def spend_by_cmo(frame: pd.DataFrame, top: int = TOP_SPEND) -> pd.DataFrame:
    return (
        frame.loc[frame["spend"] > 0, ["id", "name", "country", "health", "spend"]]
        .sort_values(["spend", "name"], ascending=[False, True])
        .head(top)
        .reset_index(drop=True)
    )


def spend_by_country(frame: pd.DataFrame) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=["country", "cmos", "spend"])
    return (
        frame.groupby("country", as_index=False)
        .agg(cmos=("id", "count"), spend=("spend", "sum"))
        .sort_values(["spend", "country"], ascending=[False, True])
        .reset_index(drop=True)
    )


# --- Tiles read from their own tables (one query each) --------------------------------------


def _frame(queryset: QuerySet, *fields: str, limit: int | None = None) -> pd.DataFrame:
    """The `fields` of the rows of `queryset` as a DataFrame, in one query (columns
    present even when there is no row)."""
    rows = queryset.values(*fields)
    if limit:
        rows = rows[:limit]
    return pd.DataFrame.from_records(list(rows), columns=list(fields))


def notice_contracts(cmos: QuerySet, today: datetime.date) -> pd.DataFrame:
    """Contracts in force whose last day to give notice falls in the next 90 days."""
    until = today + datetime.timedelta(days=NOTICE_WINDOW_DAYS)
    frame = _frame(
        Contract.objects.in_force(today)
        .filter(cmo__in=cmos, last_notice_date__gte=today, last_notice_date__lte=until)
        .order_by("last_notice_date", "reference"),
        "id",
        "reference",
        "title",
        "cmo_id",
        "cmo__name",
        "contract_type",
        "last_notice_date",
        "expiry_date",
        "auto_renewal",
    ).rename(columns={"cmo__name": "CMO", "last_notice_date": "notice_by"})
    frame["contract_type"] = frame["contract_type"].map(dict(Contract.Type.choices))
    frame["days_left"] = [(d - today).days for d in frame["notice_by"]]
    return frame


def overdue_reviews(cmos: QuerySet, today: datetime.date) -> pd.DataFrame:
    """Business reviews not signed off by their due date."""
    frame = _frame(
        BusinessReview.objects.filter(cmo__in=cmos, status__in=BusinessReview.OPEN_STATUSES)
        .filter(Q(status=BusinessReview.Status.OVERDUE) | Q(due_date__lt=today))
        .order_by("due_date", "cmo__name"),
        "id",
        "cmo_id",
        "cmo__name",
        "kind",
        "period",
        "due_date",
        "status",
        "owner__username",
    ).rename(columns={"cmo__name": "CMO", "owner__username": "owner"})
    frame["kind"] = frame["kind"].map(dict(BusinessReview.Kind.choices))
    frame["status"] = frame["status"].map(dict(BusinessReview.Status.choices))
    frame["days_overdue"] = [(today - d).days for d in frame["due_date"]]
    return frame


def overdue_actions(cmos: QuerySet, today: datetime.date) -> pd.DataFrame:
    """Open action items from business reviews, past their due date."""
    frame = _frame(
        ActionItem.objects.overdue(today).filter(review__cmo__in=cmos).order_by("due_date", "pk"),
        "id",
        "review_id",
        "review__cmo_id",
        "review__cmo__name",
        "description",
        "owner__username",
        "owner_at_cmo",
        "due_date",
    ).rename(
        columns={
            "review__cmo_id": "cmo_id",
            "review__cmo__name": "CMO",
            "owner__username": "owner",
        }
    )
    frame["days_overdue"] = [(today - d).days for d in frame["due_date"]]
    return frame


def finding_counts(cmos: QuerySet) -> list[dict]:
    counts = dict(
        OversightFinding.objects.filter(cmo__in=cmos)
        .order_by()
        .values_list("severity")
        .annotate(n=Count("pk"))
    )
    return [
        {"severity": value, "label": label, "count": counts.get(value, 0)}
        for value, label in Severity.choices
    ]


def open_findings(cmos: QuerySet, limit: int | None = None) -> pd.DataFrame:
    """The oversight findings of `cmos`, most severe first."""
    frame = _frame(
        OversightFinding.objects.filter(cmo__in=cmos).order_by(
            "severity_rank", "cmo__name", "kind", "pk"
        ),
        "id",
        "cmo_id",
        "cmo__name",
        "severity",
        "kind",
        "message",
        "fix_url",
        limit=limit,
    ).rename(columns={"cmo__name": "CMO"})
    frame["kind"] = frame["kind"].map(dict(OversightFinding.Kind.choices))
    return frame


def top_risks(scores: QuerySet, limit: int = TOP_RISKS) -> list[RiskScore]:
    """The `limit` highest risks. One query: the ten are picked on the narrow table
    first, and only they are joined to their product, CMO and site."""
    order = ("-score", "-likelihood", "stage_id")
    top = scores.order_by(*order).values("pk")[:limit]
    return list(
        RiskScore.objects.filter(pk__in=Subquery(top))
        .select_related("product", "cmo", "stage__site")
        .order_by(*order)
    )


def portfolio_links(filters: PortfolioFilters, today: datetime.date) -> dict:
    """Where each tile links: the list of the records behind it."""
    until = today + datetime.timedelta(days=NOTICE_WINDOW_DAYS)
    yesterday = today - datetime.timedelta(days=1)
    S = BusinessReview.Status
    return {
        "notice": reverse("contracts:contract_list")
        + "?"
        + urlencode(
            [("status", "active"), ("status", "expiring"), ("notice_before", until.isoformat())]
        ),
        "overdue_reviews": reverse("reviews:businessreview_list")
        + "?"
        + urlencode(
            [
                ("status", S.SCHEDULED),
                ("status", S.IN_PROGRESS),
                ("status", S.OVERDUE),
                ("due_before", yesterday.isoformat()),
            ]
        ),
        "overdue_actions": reverse("reviews:actionitem_list") + "?overdue=true",
        "findings": reverse("portfolio:oversightfinding_list"),
        "risks": reverse("portfolio:riskscore_list"),
        "cmos": reverse("dashboards:cmo_list") + "?" + filters.query(),
    }


# --- The CMOs behind a tile ------------------------------------------------------------------


def drilldown_cmos(
    filters: PortfolioFilters,
    health: str = "",
    score_min: float | None = None,
    score_max: float | None = None,
) -> QuerySet:
    """The CMOs behind a portfolio tile, with their health, worst risk and owner."""
    cmos = cmos_with_health(filters.cmos()).select_related("relationship_manager")
    if health:
        cmos = cmos.filter(health=health)
    if score_min is not None:
        cmos = cmos.filter(latest_score__gte=score_min)
    if score_max is not None:
        # Bins are [low, high); the top bin keeps a perfect 100.
        if score_max >= 100:
            cmos = cmos.filter(latest_score__lte=100)
        else:
            cmos = cmos.filter(latest_score__lt=score_max)
    return cmos.order_by("name")


# --- The CMO health page ---------------------------------------------------------------------


@dataclass
class CmoHealth:
    cmo: Cmo
    health: str
    rollup: CmoRisk | None
    scorecards: list[Scorecard]
    latest_review: BusinessReview | None
    open_actions: list[ActionItem]
    contracts: list[Contract]
    sites: list[Site]
    scores: list[RiskScore]
    findings: list[OversightFinding]

    @property
    def latest_scorecard(self) -> Scorecard | None:
        return self.scorecards[-1] if self.scorecards else None

    @property
    def health_label(self) -> str:
        return Health.LABELS[self.health]


def cmo_health(cmo_id: int, today: datetime.date | None = None) -> CmoHealth:
    """Everything on a CMO's health page. Nine queries, whatever the CMO's size."""
    today = today or timezone.localdate()
    cmo = (
        cmos_with_health(Cmo.objects.filter(pk=cmo_id))
        .select_related("relationship_manager", "risk")
        .get()
    )  # 1; raises Cmo.DoesNotExist
    rollup = getattr(cmo, "risk", None) if _has_rollup(cmo) else None
    scorecards = list(
        Scorecard.objects.filter(cmo=cmo).select_related("basis").order_by("period")
    )  # 2
    latest_review = (
        BusinessReview.objects.filter(cmo=cmo)
        .select_related("owner")
        .order_by(
            # A completed (signed) review first: its summary is the one agreed.
            Case(When(status=BusinessReview.Status.COMPLETED, then=Value(0)), default=Value(1)),
            "-period",
            "-pk",
        )
        .first()
    )  # 3
    open_actions = list(
        ActionItem.objects.open()
        .filter(review__cmo=cmo)
        .select_related("owner", "review")
        .order_by("due_date", "pk")
    )  # 4
    contracts = list(
        Contract.objects.with_status(today).filter(cmo=cmo).order_by("effective_date", "pk")
    )  # 5
    last_audit = Audit.objects.filter(site=OuterRef("pk")).order_by("-audit_date", "-pk")
    sites = list(
        Site.objects.filter(cmo=cmo)
        .annotate(
            last_audit_date=Subquery(last_audit.values("audit_date")[:1]),
            last_audit_outcome=Subquery(last_audit.values("outcome")[:1]),
            next_audit_due=Subquery(
                Audit.objects.filter(site=OuterRef("pk"), next_due_date__isnull=False)
                .order_by("-audit_date", "-pk")
                .values("next_due_date")[:1]
            ),
        )
        .order_by("name")
    )  # 6
    outcomes = dict(Audit.Outcome.choices)
    for site in sites:
        site.last_audit_outcome_label = outcomes.get(site.last_audit_outcome, "")
        site.audit_overdue = bool(site.next_audit_due and site.next_audit_due < today)
    scores = list(
        RiskScore.objects.filter(cmo=cmo)
        .select_related("product", "stage__site")
        .order_by("-score", "-likelihood", "stage_id")
    )  # 7
    findings = list(
        OversightFinding.objects.filter(cmo=cmo).order_by("severity_rank", "kind", "pk")
    )  # 8
    return CmoHealth(
        cmo=cmo,
        health=cmo.health,
        rollup=rollup,
        scorecards=scorecards,
        latest_review=latest_review,
        open_actions=open_actions,
        contracts=contracts,
        sites=sites,
        scores=scores,
        findings=findings,
    )


def _has_rollup(cmo: Cmo) -> bool:
    try:
        cmo.risk  # noqa: B018 - a reverse one-to-one raises when there is none
    except CmoRisk.DoesNotExist:
        return False
    return True


# --- A relationship manager's own CMOs -------------------------------------------------------


def my_reviews(user, today: datetime.date | None = None, limit: int = LIST_ROWS) -> list:
    """The open reviews `user` owns, the most pressing first. One query."""
    return list(
        BusinessReview.objects.filter(owner=user, status__in=BusinessReview.OPEN_STATUSES)
        .select_related("cmo")
        .order_by("due_date", "cmo__name")[:limit]
    )
