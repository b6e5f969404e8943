"""Reads for the risk pages, with their joins, so that each page's queries are countable."""

from django.db.models import Count

from portfolio import supply_chain
from portfolio.models import ProductRisk, RiskLevel, RiskScore
from portfolio.risk import level as risk_level


def risk_matrix(scores) -> list[dict]:
    """The 5 × 5 matrix of arrangements, impact across and likelihood down (5 at the
    top), each cell with its count and level. One query."""
    counts = {
        (lik, imp): n
        for lik, imp, n in scores.order_by()
        .values_list("likelihood", "impact")
        .annotate(n=Count("pk"))
    }
    return [
        {
            "likelihood": lik,
            "cells": [
                {"impact": imp, "count": counts.get((lik, imp), 0), "level": risk_level(lik, imp)}
                for imp in range(1, 6)
            ],
        }
        for lik in range(5, 0, -1)
    ]


def level_counts(scores) -> list[tuple[str, str, int]]:
    counts = dict(scores.order_by().values_list("level").annotate(n=Count("pk")))
    return [(level, label, counts.get(level, 0)) for level, label in reversed(RiskLevel.choices)]


def product_supply_chain(product) -> dict:
    """A product's stages in order with their risk, the chain's steps, bottleneck and
    end-to-end lead time, and its riskiest stage. Two queries."""
    stages = list(
        product.supply_stages.select_related("site__cmo", "risk").order_by(
            "sequence", "-volume_share", "pk"
        )
    )
    for stage in stages:
        stage.product = product  # utilisation needs the demand; no query per stage
        stage.risk_score = getattr(stage, "risk", None) if _has_risk(stage) else None
    chain = supply_chain.chain_summary(
        (
            supply_chain.StageFacts(
                stage_id=s.pk,
                sequence=s.sequence,
                step=s.get_step_display(),
                capacity_per_year=s.capacity_per_year,
                lead_time_days=s.lead_time_days,
                volume_share=float(s.volume_share),
                is_qualified_backup=s.is_qualified_backup,
                site=s.site.name,
                cmo=s.site.cmo.name,
            )
            for s in stages
        ),
        product.annual_demand,
    )
    by_id = {s.pk: s for s in stages}
    steps = [
        {"summary": step, "stages": [by_id[f.stage_id] for f in step.stages]}
        for step in chain.steps
    ]
    scored = [s for s in stages if s.risk_score]
    riskiest = max(
        scored, key=lambda s: (s.risk_score.score, s.risk_score.likelihood), default=None
    )
    return {
        "chain": chain,
        "steps": steps,
        "riskiest": riskiest,
        "product_risk": ProductRisk.objects.filter(product=product).first(),
    }


def _has_risk(stage) -> bool:
    try:
        stage.risk  # noqa: B018 - a reverse one-to-one raises when there is none
    except RiskScore.DoesNotExist:
        return False
    return True
