"""The risk recompute: every arrangement's risk, the CMO and product roll-ups, the tiers and
the oversight findings, for the whole portfolio at once.

Set-based: a fixed number of queries reads the facts (stages with their sites and
products, the latest scorecards, the contracts in force, audit facts as annotations, cost
KPI coverage), the rules in `risk`, `oversight` and `supply_chain` run in Python, and the
results are written with one bulk statement per table. The query count does not grow with
the portfolio (see tests/portfolio/test_recompute.py).

Nothing here saves a model one by one: the bulk writes send no `post_save`, so the
recompute never triggers itself through the signals in `portfolio.signals`.
"""

import datetime
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import Count, Max, Q
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, get_history_manager_for_model

from contracts.models import Contract
from kpis.models import KpiDefinition, Measurement, Scorecard
from portfolio import oversight, risk, supply_chain
from portfolio.models import (
    CmoRisk,
    OversightFinding,
    ProductRisk,
    RiskScore,
    RiskSettings,
)
from resourcing.selectors import under_resourced_products
from reviews.models import BusinessReview
from reviews.scheduling import REVIEW_WINDOW
from suppliers.models import Audit, AuditFinding, Cmo, Product, Site, SupplyStage

logger = logging.getLogger(__name__)

CHANGE_REASON = "risk recompute"
# Key of the PostgreSQL advisory lock that keeps recomputes from overlapping.
RECOMPUTE_LOCK = 0x7269736B  # "risk"
STEP_LABELS = dict(SupplyStage.Step.choices)
ROLE_FIELDS = tuple(oversight.ROLE_LABELS)


@dataclass
class RecomputeResult:
    arrangements: int = 0
    cmos: int = 0
    findings: int = 0
    tiers_changed: list[int] = field(default_factory=list)
    # (cmo id, latest red quarter) of escalations raised by this run: acted on once.
    escalations: list[tuple[int, datetime.date]] = field(default_factory=list)
    reviews_scheduled: int = 0


def _quarter_start(day: datetime.date) -> datetime.date:
    return datetime.date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _quarters_back(day: datetime.date, n: int) -> datetime.date:
    start = _quarter_start(day)
    for _ in range(n):
        start = oversight._previous_quarter(start)
    return start


def _months_back(day: datetime.date, months: int) -> datetime.date:
    return day - datetime.timedelta(days=round(months * 365 / 12))


def _url(name: str, *args, fallback: str = "") -> str:
    try:
        return reverse(name, args=args)
    except NoReverseMatch:
        return fallback


def fix_urls(cmo_id: int) -> oversight.FixUrls:
    measurement_add = _url("kpis:measurement_add")
    return oversight.FixUrls(
        cmo_edit=_url("suppliers:cmo_edit", cmo_id),
        measurement_add=(
            f"{measurement_add}?cmo={cmo_id}"
            if measurement_add
            else _url("suppliers:cmo_detail", cmo_id)
        ),
        stage_add=_url("suppliers:supplystage_add"),
        contract_add=_url("contracts:contract_add"),
        audit_add=_url("suppliers:audit_add"),
        supply_chain=_url("portfolio:supply_chain", 0).replace("/0/", "/{product_id}/"),
    )


# --- Reading the facts ----------------------------------------------------------------------


def _stage_rows() -> list[dict]:
    return list(
        SupplyStage.objects.order_by("product_id", "sequence", "-volume_share", "pk").values(
            "id",
            "product_id",
            "site_id",
            "step",
            "sequence",
            "capacity_per_year",
            "lead_time_days",
            "volume_share",
            "is_qualified_backup",
            "site__name",
            "site__cmo_id",
            "site__cmo__name",
            "site__open_483",
            "site__open_warning_letter",
        )
    )


def _product_facts() -> dict[int, tuple[risk.ProductFacts, int]]:
    rows = Product.objects.values_list(
        "id",
        "code",
        "patient_criticality",
        "manufacturing_lead_time_days",
        "unit_cost",
        "api_stability",
        "market_availability",
        "lifecycle_phase",
        "annual_demand",
    )
    return {
        pk: (
            risk.ProductFacts(
                code=code,
                patient_criticality=crit,
                manufacturing_lead_time_days=lead,
                unit_cost=float(cost),
                api_stability=stability,
                market_availability=availability,
                lifecycle_phase=phase,
            ),
            demand,
        )
        for pk, code, crit, lead, cost, stability, availability, phase, demand in rows
    }


def _site_audits(today: datetime.date, weights: dict) -> dict[int, dict]:
    done = Q(audits__audit_date__lte=today) & ~Q(audits__outcome=Audit.Outcome.PLANNED)
    since = _months_back(today, weights["likelihood"]["recent_findings_months"])
    recent = Q(audits__audit_date__gte=since, audits__audit_date__lte=today)
    C = AuditFinding.Classification
    rows = (
        Site.objects.order_by()
        .values("id", "name", "cmo_id")
        .annotate(
            last_audit=Max("audits__audit_date", filter=done),
            next_due=Max("audits__next_due_date", filter=done),
            critical=Count(
                "audits__findings", filter=recent & Q(audits__findings__classification=C.CRITICAL)
            ),
            major=Count(
                "audits__findings", filter=recent & Q(audits__findings__classification=C.MAJOR)
            ),
        )
    )
    return {row["id"]: row for row in rows}


def _scorecards(today: datetime.date) -> dict[int, list[tuple]]:
    """Per CMO: (period, status, delta, is_latest) of the last year's scorecards and the
    latest one, newest first."""
    since = _quarters_back(today, 4)
    rows = (
        Scorecard.objects.filter(Q(period__gte=since) | Q(is_latest=True))
        .order_by("cmo_id", "-period")
        .values_list("cmo_id", "period", "status", "delta", "is_latest")
    )
    cards: dict[int, list[tuple]] = defaultdict(list)
    for cmo_id, *rest in rows:
        cards[cmo_id].append(tuple(rest))
    return cards


def _contracts_in_force(today: datetime.date) -> set[tuple[int, str]]:
    T = Contract.Type
    return set(
        Contract.objects.in_force(today)
        .filter(contract_type__in=[T.QUALITY, T.SUPPLY])
        .order_by()
        .values_list("cmo_id", "contract_type")
        .distinct()
    )


def _cost_kpi_cmos(today: datetime.date) -> set[int]:
    """CMOs with a cost KPI measured in the current quarter or the two before it."""
    return set(
        Measurement.objects.filter(
            kpi__category=KpiDefinition.Category.COST, period__gte=_quarters_back(today, 2)
        )
        .order_by()
        .values_list("cmo_id", flat=True)
        .distinct()
    )


# --- The recompute --------------------------------------------------------------------------


def risk_recompute(today: datetime.date | None = None) -> RecomputeResult:
    """Recompute risk, tiers and findings for the whole portfolio."""
    today = today or timezone.localdate()
    now = timezone.now()
    weights = RiskSettings.weights()
    lw = weights["likelihood"]
    result = RecomputeResult()

    with transaction.atomic():
        _serialise()
        stages = _stage_rows()
        products = _product_facts()
        sites = _site_audits(today, weights)
        cards = _scorecards(today)
        contracts = _contracts_in_force(today)
        cost_measured = _cost_kpi_cmos(today)
        cmos = list(Cmo.objects.order_by("pk"))
        first_seen = dict(OversightFinding.objects.values_list("key", "first_seen"))
        escalated_for = dict(CmoRisk.objects.values_list("cmo_id", "escalated_for"))

        # Who else performs each step of each product.
        step_groups: dict[tuple[int, str], list[dict]] = defaultdict(list)
        for s in stages:
            step_groups[(s["product_id"], s["step"])].append(s)

        # The supply chain of every product.
        chains: dict[int, supply_chain.ChainSummary] = {}
        by_product: dict[int, list[dict]] = defaultdict(list)
        for s in stages:
            by_product[s["product_id"]].append(s)
        for product_id, (_, demand) in products.items():
            chains[product_id] = supply_chain.chain_summary(
                (_stage_facts(s) for s in by_product.get(product_id, [])), demand
            )

        # Risk of every arrangement.
        impacts = {pk: risk.impact(facts, weights) for pk, (facts, _) in products.items()}
        scores: list[RiskScore] = []
        for s in stages:
            product, demand = products[s["product_id"]]
            cmo_id = s["site__cmo_id"]
            site = sites[s["site_id"]]
            latest = _latest_card(cards.get(cmo_id, []))
            group = step_groups[(s["product_id"], s["step"])]
            utilisation = _stage_facts(s).utilisation(demand)
            facts = risk.ArrangementFacts(
                stage_label=f"stage {s['sequence']} ({STEP_LABELS[s['step']]})",
                site_name=s["site__name"],
                scorecard_status=latest[1] if latest else None,
                scorecard_period=_quarter_label(latest[0]) if latest else "",
                scorecard_delta=latest[2] if latest else None,
                open_483=s["site__open_483"],
                open_warning_letter=s["site__open_warning_letter"],
                recent_critical_findings=site["critical"],
                recent_major_findings=site["major"],
                last_audit=site["last_audit"],
                next_audit_due=site["next_due"],
                sites_at_step=len(group),
                has_qualified_backup=_covered(group),
                utilisation=utilisation,
                has_quality_agreement=(cmo_id, Contract.Type.QUALITY) in contracts,
                has_supply_agreement=(cmo_id, Contract.Type.SUPPLY) in contracts,
                commercial_supply=product.lifecycle_phase in risk.COMMERCIAL_PHASES,
                today=today,
            )
            lik, lik_reasons = risk.likelihood(facts, weights)
            imp, imp_reasons = impacts[s["product_id"]]
            scores.append(
                RiskScore(
                    stage_id=s["id"],
                    cmo_id=cmo_id,
                    product_id=s["product_id"],
                    likelihood=lik,
                    impact=imp,
                    score=lik * imp,
                    level=risk.level(lik, imp, weights),
                    likelihood_reasons=lik_reasons,
                    impact_reasons=imp_reasons,
                    utilisation=utilisation,
                    computed=now,
                )
            )
        _upsert(RiskScore, scores, "stage")
        result.arrangements = len(scores)

        # Roll-up to products: the riskiest stage.
        worst_by_product: dict[int, RiskScore] = {}
        for score in scores:
            current = worst_by_product.get(score.product_id)
            if current is None or (score.score, score.likelihood) > (
                current.score,
                current.likelihood,
            ):
                worst_by_product[score.product_id] = score
        product_rows = []
        for product_id, chain in chains.items():
            worst = worst_by_product.get(product_id)
            neck = chain.bottleneck
            product_rows.append(
                ProductRisk(
                    product_id=product_id,
                    riskiest_stage_id=worst.stage_id if worst else None,
                    worst_score=worst.score if worst else None,
                    worst_level=worst.level if worst else "",
                    bottleneck_step=neck.step if neck else "",
                    bottleneck_utilisation=neck.utilisation if neck else None,
                    lead_time_days=chain.lead_time_days if chain.steps else None,
                    computed=now,
                )
            )
        _upsert(ProductRisk, product_rows, "product")

        # Roll-up to CMOs, tiers and findings.
        scores_by_cmo: dict[int, list[RiskScore]] = defaultdict(list)
        for score in scores:
            scores_by_cmo[score.cmo_id].append(score)
        stages_by_cmo: dict[int, list[dict]] = defaultdict(list)
        for s in stages:
            stages_by_cmo[s["site__cmo_id"]].append(s)
        sites_by_cmo: dict[int, list[dict]] = defaultdict(list)
        for site in sites.values():
            sites_by_cmo[site["cmo_id"]].append(site)

        cmo_rows, findings, changed = [], [], []
        for cmo in cmos:
            own_scores = scores_by_cmo.get(cmo.pk, [])
            own_stages = stages_by_cmo.get(cmo.pk, [])
            worst = max(own_scores, key=lambda r: (r.score, r.likelihood), default=None)
            product_ids = sorted({s["product_id"] for s in own_stages})
            own_products = [products[pk][0] for pk in product_ids]
            history = [(p, status) for p, status, _, _ in cards.get(cmo.pk, [])]
            red = oversight.consecutive_red_quarters(history)
            decision = oversight.oversight_tier(
                worst.level if worst else None, own_products, red, weights
            )
            latest_red = max(p for p, _ in history) if decision.escalated else None
            previous_escalation = escalated_for.get(cmo.pk)
            if decision.escalated and previous_escalation != latest_red:
                result.escalations.append((cmo.pk, latest_red))
            cmo_rows.append(
                CmoRisk(
                    cmo_id=cmo.pk,
                    worst_stage_id=worst.stage_id if worst else None,
                    worst_score=worst.score if worst else None,
                    worst_level=worst.level if worst else "",
                    level_counts=dict(Counter(r.level for r in own_scores)),
                    tier=decision.tier,
                    base_tier=decision.base_tier,
                    tier_reasons=decision.reasons,
                    red_quarters=red,
                    escalated_for=latest_red or previous_escalation,
                    computed=now,
                )
            )
            cadence = oversight.review_cadence(decision.tier)
            if cmo.oversight_tier != decision.tier or cmo.review_cadence != cadence:
                before = cmo.get_oversight_tier_display() or "no tier"
                cmo.oversight_tier, cmo.review_cadence = decision.tier, cadence
                cmo._change_reason = (
                    f"{CHANGE_REASON}: {before} → {cmo.get_oversight_tier_display()} "
                    f"({'; '.join(decision.reasons)})"
                )
                changed.append(cmo)

            if not cmo.is_active and not own_stages:
                continue  # a prospect or a former CMO that makes nothing needs no oversight
            facts = _oversight_facts(
                cmo,
                decision.tier,
                own_stages,
                products,
                impacts,
                step_groups,
                chains,
                sites_by_cmo.get(cmo.pk, []),
                contracts,
                cost_measured,
                today,
                lw,
            )
            findings += oversight.oversight_findings(
                facts, fix_urls(cmo.pk), lw["utilisation_warning"]
            )
        _upsert(CmoRisk, cmo_rows, "cmo")
        result.cmos = len(cmo_rows)

        if changed:
            _write_tiers(changed)
        result.tiers_changed = [c.pk for c in changed]
        # After the tiers are written: the resource plan reads them from the CMOs.
        findings += _under_resourced_findings(today)

        OversightFinding.objects.all().delete()
        OversightFinding.objects.bulk_create(
            [
                OversightFinding(
                    key=f.key,
                    cmo_id=f.cmo_id,
                    kind=f.kind,
                    severity=f.severity,
                    severity_rank=oversight.SEVERITY_RANK[f.severity],
                    message=f.message[:500],
                    fix_url=f.fix_url,
                    product_id=f.product_id,
                    site_id=f.site_id,
                    stage_id=f.stage_id,
                    first_seen=first_seen.get(f.key, now),
                    computed=now,
                )
                for f in _unique(findings)
            ]
        )
        result.findings = len(findings)
        result.reviews_scheduled = for_cause_reviews_schedule(
            result.escalations, today, {c.pk: c.relationship_manager_id for c in cmos}
        )

    logger.info(
        "risk recompute: %d arrangements, %d CMOs, %d findings, %d tiers changed",
        result.arrangements,
        result.cmos,
        result.findings,
        len(changed),
    )
    return result


def for_cause_reviews_schedule(
    escalations: list[tuple[int, datetime.date]],
    today: datetime.date,
    owners: dict[int, int | None] | None = None,
) -> int:
    """Schedule a for-cause business review for each new escalation (two red quarters in
    a row), for the quarter of the latest red scorecard; returns how many were created.

    Once per escalation: the recompute only lists an escalation whose quarter differs
    from `CmoRisk.escalated_for`, recomputes run one at a time (`_serialise`), and a
    for-cause review that already exists for the CMO and quarter (scheduled by hand, or
    by an earlier run) is not doubled. Two statements, however many escalations."""
    if not escalations:
        return 0
    owners = owners or {}
    meeting, due = REVIEW_WINDOW[BusinessReview.Kind.FOR_CAUSE]
    existing = set(
        BusinessReview.objects.filter(
            kind=BusinessReview.Kind.FOR_CAUSE,
            cmo_id__in={cmo for cmo, _ in escalations},
            period__in={period for _, period in escalations},
        ).values_list("cmo_id", "period")
    )
    new = [
        BusinessReview(
            cmo_id=cmo_id,
            kind=BusinessReview.Kind.FOR_CAUSE,
            period=period,
            scheduled_for=today + datetime.timedelta(days=meeting),
            due_date=today + datetime.timedelta(days=due),
            owner_id=owners.get(cmo_id),
            summary="Scheduled because the scorecard was red two quarters in a row.",
        )
        for cmo_id, period in sorted(set(escalations))
        if (cmo_id, period) not in existing
    ]
    if new:
        bulk_create_with_history(
            new, BusinessReview, default_change_reason=f"{CHANGE_REASON}: two red quarters"
        )
        logger.info("scheduled %d for-cause reviews", len(new))
    return len(new)


def _serialise() -> None:
    """One recompute at a time (nightly and after a change may overlap): the second waits
    for the first to commit, then reads what it wrote."""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [RECOMPUTE_LOCK])


def _write_tiers(changed: list[Cmo]) -> None:
    """Tier and cadence of the CMOs whose tier changed, with a history row each, in a
    fixed number of statements.

    This is `bulk_update_with_history` taken apart, because its history rows are needed
    back: a bulk history row carries no capability links, and without them the history
    page would read as if every capability had been removed. They are copied in, as a
    save would."""
    with transaction.atomic(savepoint=False):
        Cmo.objects.bulk_update(changed, ["oversight_tier", "review_cadence"])
        records = get_history_manager_for_model(Cmo).bulk_history_create(
            changed, update=True, default_change_reason=CHANGE_REASON
        )
        m2m_history = Cmo.history.model._meta.get_field("historicalcmo_capabilities").related_model
        by_cmo = {record.id: record for record in records}
        links = Cmo.capabilities.through.objects.filter(cmo_id__in=list(by_cmo)).values_list(
            "id", "cmo_id", "capability_id"
        )
        m2m_history.objects.bulk_create(
            m2m_history(history=by_cmo[cmo_id], id=pk, cmo_id=cmo_id, capability_id=cap_id)
            for pk, cmo_id, cap_id in links
        )


def _upsert(model, rows: list, key: str) -> None:
    """Insert or update `rows` on their one-to-one `key` in one statement. Rows of deleted
    stages, CMOs and products go with them, by cascade."""
    fields = [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name != key]
    model.objects.bulk_create(
        rows, update_conflicts=True, unique_fields=[key], update_fields=fields
    )


def _unique(findings: list[oversight.Finding]) -> list[oversight.Finding]:
    seen, out = set(), []
    for f in findings:
        if f.key not in seen:
            seen.add(f.key)
            out.append(f)
    return out


def _stage_facts(s: dict) -> supply_chain.StageFacts:
    return supply_chain.StageFacts(
        stage_id=s["id"],
        sequence=s["sequence"],
        step=STEP_LABELS[s["step"]],
        capacity_per_year=s["capacity_per_year"],
        lead_time_days=s["lead_time_days"],
        volume_share=float(s["volume_share"]),
        is_qualified_backup=s["is_qualified_backup"],
        site=s["site__name"],
        cmo=s["site__cmo__name"],
    )


def _covered(group: list[dict]) -> bool:
    """A step is covered when more than one site performs it and one is a qualified
    backup."""
    return len(group) > 1 and any(s["is_qualified_backup"] for s in group)


def _latest_card(cards: list[tuple]) -> tuple | None:
    for card in cards:
        if card[3]:
            return card
    return cards[0] if cards else None


def _quarter_label(period: datetime.date) -> str:
    return f"{period.year} Q{(period.month - 1) // 3 + 1}"


def _oversight_facts(
    cmo: Cmo,
    tier: str,
    own_stages: list[dict],
    products: dict,
    impacts: dict,
    step_groups: dict,
    chains: dict,
    own_sites: list[dict],
    contracts: set,
    cost_measured: set,
    today: datetime.date,
    lw: dict,
) -> oversight.CmoOversightFacts:
    phases = {products[s["product_id"]][0].lifecycle_phase for s in own_stages}
    qualifying = cmo.status in (Cmo.Status.QUALIFYING, Cmo.Status.CONDITIONAL)
    exposed, loads = [], []
    for s in own_stages:
        product, demand = products[s["product_id"]]
        label = f"stage {s['sequence']} ({STEP_LABELS[s['step']]})"
        group = step_groups[(s["product_id"], s["step"])]
        carrying = [g for g in group if g["volume_share"] > 0] or group
        imp = impacts[s["product_id"]][0]
        if imp >= oversight.HIGH_IMPACT and len(carrying) == 1 and not _covered(group):
            exposed.append(oversight.ExposedProduct(s["product_id"], product.code, label, imp))
        chain = chains[s["product_id"]]
        neck = chain.bottleneck
        loads.append(
            oversight.StageLoad(
                stage_id=s["id"],
                product_id=s["product_id"],
                label=f"{product.code} · {STEP_LABELS[s['step']]} at {s['site__name']}",
                utilisation=_stage_facts(s).utilisation(demand),
                is_bottleneck=bool(
                    neck and len(chain.steps) > 1 and neck.sequence == s["sequence"]
                ),
            )
        )
    return oversight.CmoOversightFacts(
        cmo_id=cmo.pk,
        name=cmo.name,
        tier=tier,
        sourcing_objective=cmo.sourcing_objective,
        assigned={r for r in ROLE_FIELDS if getattr(cmo, f"{r}_id")},
        commercial_supply=bool(phases & set(risk.COMMERCIAL_PHASES)),
        moving_to_commercial=bool(phases & {"launch", "tech_transfer"})
        or (qualifying and bool(phases & set(risk.COMMERCIAL_PHASES))),
        has_quality_agreement=(cmo.pk, Contract.Type.QUALITY) in contracts,
        cost_kpi_measured=cmo.pk in cost_measured,
        exposed_products=exposed,
        sites=[
            oversight.SiteAudit(
                site["id"],
                site["name"],
                risk.audit_overdue(
                    site["last_audit"], site["next_due"], today, lw["audit_max_age_months"]
                ),
            )
            for site in sorted(own_sites, key=lambda x: x["name"])
        ],
        stages=loads,
    )


def _under_resourced_findings(today: datetime.date) -> list[oversight.Finding]:
    """A product whose oversight budget is below what its CMOs' tiers need is a finding
    on each CMO that makes it (the resource plan computes the shortfall)."""
    short = under_resourced_products(today)
    if not short:
        return []
    makers = {}
    for product_id, cmo_id in (
        SupplyStage.objects.filter(product_id__in=[s["product"].pk for s in short])
        .values_list("product_id", "site__cmo_id")
        .distinct()
    ):
        makers.setdefault(product_id, set()).add(cmo_id)
    findings = []
    for item in short:
        product = item["product"]
        for cmo_id in sorted(makers.get(product.pk, ())):
            findings.append(
                oversight.Finding(
                    kind=OversightFinding.Kind.UNDER_RESOURCED,
                    severity="medium",
                    message=(
                        f"{product.code} oversight budget {item['budget']:.0f} h/yr; its CMOs' "
                        f"tiers need {item['required']:.0f} h/yr ({item['shortfall']:.0f} h short)"
                    ),
                    fix_url=reverse("resourcing:budget_edit", args=[product.pk]),
                    key=f"under_resourced:{cmo_id}:{product.pk}",
                    cmo_id=cmo_id,
                    product_id=product.pk,
                )
            )
    return findings
