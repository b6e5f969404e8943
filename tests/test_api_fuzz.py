"""Schemathesis against the API's own OpenAPI schema, as an administrator, on a live
server: every operation, a bounded number of generated requests each. No answer may be a
server error, and every answer must match the schema the API publishes (issue 8)."""

import datetime
import shutil
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest
from rest_framework.authtoken.models import Token

from cmo_portal import roles
from kpis.models import KpiDefinition
from kpis.services import scorecards_recompute
from portfolio.services import risk_recompute
from reviews.models import BusinessReview
from suppliers.models import Product, SupplyStage
from tests.factories import (
    ActionItemFactory,
    AuditFactory,
    AuditFindingFactory,
    BusinessReviewFactory,
    CapaFactory,
    CmoFactory,
    CmoKpiFactory,
    CompletedReviewFactory,
    ContractFactory,
    KpiDefinitionFactory,
    MeasurementFactory,
    ObligationFactory,
    PersonCapacityFactory,
    ProductFactory,
    ProductOversightBudgetFactory,
    RegisteredRiskFactory,
    ReviewSignatureFactory,
    SiteFactory,
    StakeholderRatingFactory,
    SupplyStageFactory,
    UserFactory,
)

pytestmark = [pytest.mark.api_fuzz, pytest.mark.django_db(transaction=True)]

ST = Path(sys.executable).with_name("st")
EXAMPLES = 5  # generated requests per operation: about 600 in all, under a minute
TIME_LIMIT = 100  # seconds; the run itself takes well under half of it
QUARTERS = [datetime.date(2025, 4, 1), datetime.date(2025, 7, 1)]


def _portfolio(admin):
    """Two CMOs with everything the API lists, computed records included, so that each
    operation answers with real rows (and their nulls and blanks) as well as errors."""
    # The standard KPIs come with the migrations, unless an earlier transactional test
    # flushed them away.
    kpis = list(KpiDefinition.objects.filter(is_active=True).order_by("code")[:3])
    kpis = kpis or KpiDefinitionFactory.create_batch(3)
    for n, (country, rm_name) in enumerate([("Germany", "fuzz-rm1"), ("Ireland", "fuzz-rm2")]):
        rm = UserFactory(username=rm_name, roles=[roles.RELATIONSHIP_MANAGER])
        PersonCapacityFactory(user=rm)
        cmo = CmoFactory(country=country, relationship_manager=rm)
        site = SiteFactory(cmo=cmo)
        finding = AuditFindingFactory(audit=AuditFactory(site=site), reference=f"F-{n}")
        CapaFactory(finding=finding)
        product = ProductFactory(
            lifecycle_phase=Product.Phase.COMMERCIAL if n else Product.Phase.CLINICAL
        )
        ProductOversightBudgetFactory(product=product)
        SupplyStageFactory(product=product, site=site, step=SupplyStage.Step.API_SYNTHESIS)
        SupplyStageFactory(product=product, site=site, step=SupplyStage.Step.FILL_FINISH)
        contract = ContractFactory(cmo=cmo)
        contract.products.add(product)
        ObligationFactory(contract=contract)
        RegisteredRiskFactory(cmo=cmo, product=product)
        for kpi in kpis:
            CmoKpiFactory(cmo=cmo, kpi=kpi)
            for i, quarter in enumerate(QUARTERS):
                MeasurementFactory(
                    cmo=cmo,
                    kpi=kpi,
                    period=quarter,
                    value=Decimal(80 + 10 * i + n),
                    entered_by=rm if i else None,
                )
        review = BusinessReviewFactory(cmo=cmo, status=BusinessReview.Status.IN_PROGRESS)
        ActionItemFactory(review=review)
        StakeholderRatingFactory(review=review, rater=admin, requested_by=rm)
        ReviewSignatureFactory(
            review=CompletedReviewFactory(
                cmo=cmo, period=datetime.date(2025, 4, 1), status=BusinessReview.Status.COMPLETED
            )
        )
    CmoFactory(name="Unassessed Prospect Ltd")  # no tier yet: a blank oversight tier
    scorecards_recompute()
    risk_recompute()


def test_every_operation_answers_within_its_schema_and_never_with_a_server_error(
    live_server, tmp_path
):
    if not ST.exists() and shutil.which("st") is None:
        pytest.skip("schemathesis is not installed (it is in the dev extra)")
    admin = UserFactory(
        username="fuzz-admin", roles=[roles.ADMINISTRATOR], is_staff=True, is_superuser=True
    )
    token = Token.objects.create(user=admin)
    _portfolio(admin)

    command = [
        str(ST) if ST.exists() else "st",
        "--no-color",
        "run",
        f"{live_server.url}/api/schema/",
        "--header",
        f"Authorization: Token {token.key}",
        "--checks",
        "not_a_server_error,response_schema_conformance",
        "--phases",
        "examples,fuzzing",
        "--max-examples",
        str(EXAMPLES),
        "--seed",
        "1",
        "--no-shrink",
        "--continue-on-failure",
        "--generation-database",
        "none",  # the same cases on every run, none replayed from earlier ones
        "--warnings",
        "off",
        "--workers",
        "1",
        "--request-timeout",
        "20",
        "--max-failures",
        "50",
    ]
    try:
        run = subprocess.run(
            command,
            cwd=tmp_path,  # reports and caches, if any, stay out of the repository
            capture_output=True,
            text=True,
            timeout=TIME_LIMIT,
        )
    except subprocess.TimeoutExpired as exc:
        pytest.fail(f"schemathesis ran past {TIME_LIMIT} s:\n{exc.stdout or ''}")
    assert run.returncode == 0, f"schemathesis found problems:\n{run.stdout}\n{run.stderr}"
