"""factory-boy factories for every record; realistic defaults, valid by construction."""

import datetime
from decimal import Decimal

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from contracts.models import Contract, Obligation
from suppliers.models import Audit, AuditFinding, Capa, Cmo, Product, Site, SupplyStage

TODAY = datetime.date.today


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "correct-horse-battery")

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*Group.objects.filter(name__in=extracted))
        if create:
            self.save()


class CmoFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cmo

    name = factory.Sequence(lambda n: f"Contract Pharma {n} AG")
    country = "Germany"
    status = Cmo.Status.APPROVED
    annual_spend = Decimal("1500000")
    sourcing_objective = Cmo.SourcingObjective.CAPACITY


class SiteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Site

    cmo = factory.SubFactory(CmoFactory)
    name = factory.Sequence(lambda n: f"Plant {n}")
    country = factory.SelfAttribute("cmo.country")
    qualification_status = Site.Qualification.QUALIFIED


class AuditFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Audit

    site = factory.SubFactory(SiteFactory)
    audit_date = factory.LazyFunction(lambda: TODAY() - datetime.timedelta(days=200))
    audit_type = Audit.Type.ROUTINE
    lead_auditor = "M. Keller"
    outcome = Audit.Outcome.ACCEPTABLE
    next_due_date = factory.LazyAttribute(lambda a: a.audit_date + datetime.timedelta(days=730))


class AuditFindingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = AuditFinding

    audit = factory.SubFactory(AuditFactory)
    classification = AuditFinding.Classification.MAJOR
    description = "Environmental monitoring excursions not investigated."


class CapaFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Capa

    finding = factory.SubFactory(AuditFindingFactory)
    description = "Retrain staff and revise the EM procedure."
    owner = "QA lead"
    due_date = factory.LazyFunction(lambda: TODAY() + datetime.timedelta(days=30))


class ProductFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Product

    code = factory.Sequence(lambda n: f"PRD-{n:04d}")
    name = factory.Sequence(lambda n: f"Examplumab {n}")
    product_type = Product.Type.DRUG_PRODUCT
    lifecycle_phase = Product.Phase.COMMERCIAL
    manufacturing_lead_time_days = 90
    unit_cost = Decimal("120.00")
    annual_demand = 100_000


class SupplyStageFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SupplyStage

    product = factory.SubFactory(ProductFactory)
    site = factory.SubFactory(SiteFactory)
    step = SupplyStage.Step.FILL_FINISH
    capacity_per_year = 200_000
    lead_time_days = 30
    volume_share = Decimal("100")


class ContractFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Contract

    cmo = factory.SubFactory(CmoFactory)
    contract_type = Contract.Type.QUALITY
    reference = factory.Sequence(lambda n: f"QA-{n:05d}")
    title = "Quality agreement"
    effective_date = factory.LazyFunction(lambda: TODAY() - datetime.timedelta(days=365))
    expiry_date = factory.LazyFunction(lambda: TODAY() + datetime.timedelta(days=730))
    signed_on = factory.LazyAttribute(lambda c: c.effective_date)
    notice_period_days = 90


class ObligationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Obligation

    contract = factory.SubFactory(ContractFactory)
    kind = Obligation.Kind.PRICE_REVIEW
    description = "Annual price review"
    due_date = factory.LazyFunction(lambda: TODAY() + datetime.timedelta(days=60))


# --- KPIs -----------------------------------------------------------------------------------

from kpis.models import CmoKpi, KpiDefinition, Measurement  # noqa: E402


class KpiDefinitionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = KpiDefinition

    code = factory.Sequence(lambda n: f"kpi_{n}")
    name = factory.Sequence(lambda n: f"Test KPI {n}")
    category = KpiDefinition.Category.QUALITY
    unit = "%"
    direction = KpiDefinition.Direction.HIGHER
    target = Decimal("95")
    amber_threshold = Decimal("90")
    red_threshold = Decimal("85")
    default_weight = Decimal("10")


class CmoKpiFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CmoKpi

    cmo = factory.SubFactory(CmoFactory)
    kpi = factory.SubFactory(KpiDefinitionFactory)


class MeasurementFactory(factory.django.DjangoModelFactory):
    """A quarterly value; pass `kpi=KpiDefinition.objects.get(code="otif")` for a standard
    KPI."""

    class Meta:
        model = Measurement

    cmo = factory.SubFactory(CmoFactory)
    kpi = factory.SubFactory(KpiDefinitionFactory)
    period = datetime.date(2025, 7, 1)
    value = Decimal("95")


# --- Business reviews --------------------------------------------------------------------------

from reviews.models import (  # noqa: E402
    ActionItem,
    BusinessReview,
    ReviewSignature,
    StakeholderRating,
)


class BusinessReviewFactory(factory.django.DjangoModelFactory):
    """A quarterly review of 2025 Q3, owned by the CMO's relationship manager."""

    class Meta:
        model = BusinessReview

    cmo = factory.SubFactory(CmoFactory)
    kind = BusinessReview.Kind.QUARTERLY
    period = datetime.date(2025, 7, 1)
    scheduled_for = datetime.date(2025, 10, 21)
    due_date = datetime.date(2025, 10, 31)
    owner = factory.SelfAttribute("cmo.relationship_manager")


class CompletedReviewFactory(BusinessReviewFactory):
    """Filled in and ready to sign."""

    quality = 4
    delivery = 3
    cost = 4
    responsiveness = 5
    partnership = 4
    health = BusinessReview.Health.HEALTHY
    summary = "Deliveries recovered after the Q2 capacity issue."


class StakeholderRatingFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = StakeholderRating

    review = factory.SubFactory(BusinessReviewFactory)
    rater = factory.SubFactory(UserFactory)
    function = StakeholderRating.Function.QUALITY


class ActionItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ActionItem

    review = factory.SubFactory(BusinessReviewFactory)
    description = "Send the revised capacity plan for 2026."
    owner = factory.SelfAttribute("review.owner")
    due_date = datetime.date(2025, 11, 30)


class ReviewSignatureFactory(factory.django.DjangoModelFactory):
    """A signature made without the password step: for tests of what a signed review
    refuses. Give `review` a status of "completed" to match."""

    class Meta:
        model = ReviewSignature

    review = factory.SubFactory(CompletedReviewFactory, status=BusinessReview.Status.COMPLETED)
    signed_by = factory.LazyAttribute(lambda s: s.review.owner or UserFactory())
    printed_name = factory.LazyAttribute(lambda s: s.signed_by.get_full_name())
    signed_at = factory.LazyFunction(timezone.now)


# --- Portfolio ------------------------------------------------------------------------------

from portfolio.models import RegisteredRisk  # noqa: E402


class RegisteredRiskFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RegisteredRisk

    title = factory.Sequence(lambda n: f"Key operator leaving {n}")
    cmo = factory.SubFactory(CmoFactory)
    likelihood = 3
    impact = 4
    mitigation = "Cross-train a second operator."
    review_date = factory.LazyFunction(lambda: TODAY() + datetime.timedelta(days=30))


# --- Resourcing (issue 9) ---------------------------------------------------------------------


class PersonCapacityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "resourcing.PersonCapacity"

    user = factory.SubFactory(UserFactory)
    fte = Decimal("1.00")
    standard_month_hours = Decimal("140")
    oversight_share = Decimal("100")


class ProductOversightBudgetFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "resourcing.ProductOversightBudget"

    product = factory.SubFactory(ProductFactory)
    hours_per_year = Decimal("200")


class ProductPhasePlanFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "resourcing.ProductPhasePlan"

    product = factory.SubFactory(ProductFactory, lifecycle_phase=Product.Phase.CLINICAL)
