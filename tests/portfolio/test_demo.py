"""`manage.py seed_demo`: the demo portfolio has every situation the views must find, and
is deterministic, idempotent and set-based."""

import datetime
import io
from collections import Counter, defaultdict
from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from cmo_portal import roles
from contracts.models import Contract, Obligation
from portfolio import demo as demo_module
from portfolio.demo import DEMO_CHANGE_REASON, seed_demo
from reviews.models import ActionItem, BusinessReview, ReviewSignature
from suppliers.models import Audit, AuditFinding, Capa, Cmo, Product, Site, SupplyStage
from tests.portfolio.conftest import table_counts

PORTFOLIO_MODELS = [
    Cmo,
    Site,
    Audit,
    AuditFinding,
    Capa,
    Product,
    SupplyStage,
    Contract,
    Obligation,
]
ACTIVE = (Cmo.Status.APPROVED, Cmo.Status.CONDITIONAL, Cmo.Status.QUALIFYING)


@pytest.fixture
def today():
    return timezone.localdate()


def snapshot() -> dict[str, list]:
    """The demo's content without database ids or timestamps."""
    User = get_user_model()
    rows = {
        "users": User.objects.values_list("username", "first_name", "last_name", "email"),
        "cmos": Cmo.objects.values_list(
            "name", "country", "status", "annual_spend", "sourcing_objective",
            "sourcing_rationale", "notes", "relationship_manager__username",
            "quality_contact__username", "technical_expert__username",
            "strategic_sourcing_manager__username",
        ),
        "cmo capabilities": Cmo.capabilities.through.objects.values_list(
            "cmo__name", "capability__name"
        ),
        "sites": Site.objects.values_list(
            "cmo__name", "name", "country", "address", "qualification_status",
            "last_inspection_date", "last_inspection_agency", "last_inspection_outcome",
            "open_483", "open_warning_letter",
        ),
        "audits": Audit.objects.values_list(
            "site__cmo__name", "site__name", "audit_date", "audit_type", "lead_auditor",
            "outcome", "next_due_date", "summary",
        ),
        "findings": AuditFinding.objects.values_list(
            "audit__site__cmo__name", "reference", "classification", "description"
        ),
        "capas": Capa.objects.values_list(
            "finding__reference", "description", "owner", "due_date", "status", "closed_date"
        ),
        "products": Product.objects.values_list(
            "code", "name", "product_type", "lifecycle_phase", "patient_criticality",
            "manufacturing_lead_time_days", "unit_cost", "api_stability",
            "market_availability", "annual_demand",
        ),
        "stages": SupplyStage.objects.values_list(
            "product__code", "site__cmo__name", "site__name", "step", "sequence",
            "capacity_per_year", "lead_time_days", "volume_share", "is_qualified_backup",
        ),
        "contracts": Contract.objects.values_list(
            "reference", "cmo__name", "contract_type", "title", "effective_date",
            "expiry_date", "signed_on", "terminated_on", "auto_renewal", "notice_period_days",
            "value", "currency", "owner__username", "notes",
        ),
        "contract products": Contract.products.through.objects.values_list(
            "contract__reference", "product__code"
        ),
        "obligations": Obligation.objects.values_list(
            "contract__reference", "kind", "description", "due_date", "status"
        ),
    }  # fmt: skip
    return {name: sorted(qs, key=repr) for name, qs in rows.items()}


def delete_demo():
    # The reviews of the demo's steps protect their CMOs.
    for model in (ReviewSignature, ActionItem, BusinessReview):
        model.objects.all().delete()
    Contract.objects.all().delete()
    SupplyStage.objects.all().delete()
    Product.objects.all().delete()
    Cmo.objects.all().delete()


# --- Content -------------------------------------------------------------------------


def test_demo_has_25_cmos_in_many_countries_mostly_approved(demo, db):
    assert demo.counts()["cmos"] == Cmo.objects.count() == 25
    countries = set(Cmo.objects.values_list("country", flat=True))
    assert {"Germany", "Switzerland", "Ireland", "Italy", "India", "China", "United States",
            "South Korea", "Japan", "United Kingdom"} <= countries  # fmt: skip
    statuses = Counter(Cmo.objects.values_list("status", flat=True))
    assert statuses[Cmo.Status.APPROVED] > 25 / 2
    assert statuses[Cmo.Status.CONDITIONAL] >= 2
    assert statuses[Cmo.Status.QUALIFYING] >= 1
    assert statuses[Cmo.Status.PROSPECT] == 1
    assert statuses[Cmo.Status.DISQUALIFIED] == 1


def test_every_cmo_has_an_objective_with_a_one_sentence_rationale(demo, db):
    for cmo in Cmo.objects.prefetch_related("capabilities"):
        assert cmo.sourcing_objective in Cmo.SourcingObjective.values
        assert cmo.sourcing_rationale.endswith(".")
        assert cmo.sourcing_rationale.count(". ") == 0, cmo.sourcing_rationale
        assert cmo.capabilities.all(), cmo
        assert (cmo.annual_spend > 0) == (cmo.status != Cmo.Status.PROSPECT)
    assert len(set(Cmo.objects.values_list("sourcing_objective", flat=True))) == 4


def test_sites_have_inspection_history_with_open_483s_and_warning_letters(demo, db):
    per_cmo = Counter(Site.objects.values_list("cmo_id", flat=True))
    assert set(per_cmo.values()) <= {1, 2, 3} and len(per_cmo) == 25
    assert Site.objects.filter(open_483=True).count() >= 3
    assert 1 <= Site.objects.filter(open_warning_letter=True).count() <= 2
    inspected = Site.objects.exclude(last_inspection_date=None)
    assert inspected.count() > Site.objects.count() / 2
    assert not inspected.filter(last_inspection_agency="").exists()
    assert not Site.objects.filter(cmo__status=Cmo.Status.DISQUALIFIED).exclude(
        qualification_status=Site.Qualification.DISQUALIFIED
    )


def test_audits_have_findings_of_every_class_and_open_and_overdue_capas(demo, db, today):
    assert not Site.objects.filter(audits=None).exists()
    classes = Counter(AuditFinding.objects.values_list("classification", flat=True))
    assert classes["critical"] >= 1 and classes["major"] >= 5 and classes["minor"] >= 5
    open_capas = Capa.objects.open()
    assert open_capas.exists()
    assert open_capas.filter(due_date__lt=today).exists()
    assert open_capas.filter(due_date__gte=today).exists()
    assert Capa.objects.filter(status=Capa.Status.CLOSED).exists()
    for capa in Capa.objects.filter(status=Capa.Status.CLOSED):
        capa.full_clean()
    for audit in Audit.objects.all():
        audit.full_clean()


def test_60_products_of_every_type_and_phase_with_inn_like_names(demo, db):
    products = list(Product.objects.all())
    assert len(products) == 60
    assert {p.product_type for p in products} == set(Product.Type.values)
    assert {p.lifecycle_phase for p in products} == set(Product.Phase.values)
    assert {p.patient_criticality for p in products} == set(Product.Criticality.values)
    assert all(30 <= p.manufacturing_lead_time_days <= 365 for p in products)
    assert all(p.unit_cost > 0 and p.annual_demand > 0 for p in products)
    stems = ("tinib", "ciclib", "lisib", "parib", "vir", "sartan", "gliptin", "floxacin",
             "prazole", "setron", "lukast", "dronate", "mab", "cept", "glutide")  # fmt: skip
    assert all(p.name.split()[0].endswith(stems) for p in products)
    assert len({p.name for p in products}) == 60


def test_supply_chains_have_2_to_5_steps_in_order_at_several_cmos(demo, db):
    stages = list(SupplyStage.objects.select_related("site__cmo", "product"))
    steps = defaultdict(lambda: defaultdict(list))
    for stage in stages:
        assert stage.sequence == SupplyStage.STEP_ORDER[stage.step]
        steps[stage.product.code][stage.step].append(stage)
    assert len(steps) == 60
    for chain in steps.values():
        assert 2 <= len(chain) <= 5
        assert len({s.site.cmo_id for by_step in chain.values() for s in by_step}) >= 1
        for by_step in chain.values():
            assert sum(s.volume_share for s in by_step) <= Decimal("100")
            assert sum(not s.is_qualified_backup for s in by_step) == 1
    single = [
        by_step for chain in steps.values() for by_step in chain.values() if len(by_step) == 1
    ]
    backed = [by_step for chain in steps.values() for by_step in chain.values() if len(by_step) > 1]
    assert single and backed
    for by_step in backed:
        assert len({s.site.cmo_id for s in by_step}) == len(by_step)
    assert sum(len({s.site.cmo_id for b in c.values() for s in b}) > 1 for c in steps.values()) > 50
    assert not SupplyStage.objects.filter(site__cmo__status=Cmo.Status.DISQUALIFIED).exists()
    assert not SupplyStage.objects.filter(site__cmo__status=Cmo.Status.PROSPECT).exists()
    for stage in stages[:40]:
        stage.full_clean()  # the model's own rules: shares, disqualified CMOs


def test_contracts_of_every_kind_some_expiring_expired_or_draft(demo, db, today):
    contracts = list(Contract.objects.with_status(today))
    assert {c.cmo_id for c in contracts} == set(Cmo.objects.values_list("pk", flat=True))
    types = Counter(c.contract_type for c in contracts)
    for contract_type in ("msa", "quality", "supply", "sow"):
        assert types[contract_type] >= 3, contract_type
    statuses = Counter(c.current_status for c in contracts)
    assert statuses[Contract.Status.EXPIRING] >= 3
    assert statuses[Contract.Status.EXPIRED] >= 1
    assert statuses[Contract.Status.DRAFT] >= 1
    assert statuses[Contract.Status.ACTIVE] > len(contracts) / 2
    soon = today + datetime.timedelta(days=90)
    expiring = [c for c in contracts if c.current_status == Contract.Status.EXPIRING]
    assert all(today <= c.expiry_date <= soon for c in expiring)
    for contract in contracts:
        contract.full_clean(exclude=["document"])


def test_a_commercial_product_depends_on_a_cmo_without_a_quality_agreement_in_force(demo, db):
    covered = set(
        Contract.objects.in_force()
        .filter(contract_type=Contract.Type.QUALITY)
        .values_list("cmo_id", flat=True)
    )
    exposed = SupplyStage.objects.filter(
        product__lifecycle_phase=Product.Phase.COMMERCIAL, site__cmo__status__in=ACTIVE
    ).exclude(site__cmo__in=covered)
    assert exposed.exists()
    # …and only on purpose: every other active CMO with supply has one in force.
    assert exposed.values("site__cmo").distinct().count() == 1


def test_obligations_of_every_kind_some_overdue(demo, db, today):
    kinds = set(Obligation.objects.values_list("kind", flat=True))
    assert {"price_review", "minimum_purchase", "forecast"} <= kinds
    overdue = Obligation.objects.filter(status=Obligation.Status.OPEN, due_date__lt=today)
    assert overdue.exists()
    assert Obligation.objects.filter(status=Obligation.Status.OPEN, due_date__gte=today).exists()
    assert not Obligation.objects.filter(contract__signed_on=None).exists()


def test_people_are_in_their_role_groups_with_deliberate_staffing_gaps(demo, db):
    User = get_user_model()
    cmos = Cmo.objects.filter(status__in=[Cmo.Status.APPROVED, Cmo.Status.CONDITIONAL])
    for role, group in [
        ("relationship_manager", roles.RELATIONSHIP_MANAGER),
        ("quality_contact", roles.SUPPLY_CHAIN_MANAGER),
        ("technical_expert", roles.SUPPLY_CHAIN_MANAGER),
        ("strategic_sourcing_manager", roles.SUPPLY_CHAIN_MANAGER),
    ]:
        people = User.objects.filter(pk__in=Cmo.objects.values(role))
        assert people.exists()
        assert not people.exclude(groups__name=group).exists(), role
    gaps = [
        cmo for cmo in Cmo.objects.filter(status__in=ACTIVE)
        if None in (cmo.relationship_manager_id, cmo.quality_contact_id, cmo.technical_expert_id,
                    cmo.strategic_sourcing_manager_id)
    ]  # fmt: skip
    assert 3 <= len(gaps) <= 5
    assert cmos.exclude(pk__in=[c.pk for c in gaps]).filter(relationship_manager=None).count() == 0
    rm = User.objects.get(username="rm")
    assert rm.groups.filter(name=roles.RELATIONSHIP_MANAGER).exists()
    assert 4 <= Cmo.objects.filter(relationship_manager=rm).count() <= 6
    assert not rm.has_usable_password()  # until create_demo_users sets it


def test_every_demo_record_has_a_created_history_entry_saying_demo_data(demo, db):
    for model in PORTFOLIO_MODELS:
        # Changed entries come later: the risk recompute of the last step sets the tiers.
        history = model.history.filter(history_type="+")
        assert history.count() == model.objects.count(), model
        assert set(history.values_list("history_type", "history_change_reason")) == {
            ("+", DEMO_CHANGE_REASON)
        }
    cmo = Cmo.objects.first()
    created = cmo.history.earliest("history_date")
    assert {c.capability for c in created.capabilities.all()} == set(cmo.capabilities.all())
    contract = Contract.objects.filter(contract_type="supply").first()
    entry = contract.history.earliest("history_date")
    assert {p.product for p in entry.products.all()} == set(contract.products.all())


# --- Determinism, idempotence, scale ---------------------------------------------------


def test_second_run_creates_nothing(demo, db):
    before = table_counts()
    call_command("seed_demo", stdout=(out := io.StringIO()))
    assert "nothing to do" in out.getvalue()
    assert table_counts() == before


def test_same_seed_gives_the_same_data_and_another_seed_other_data(demo, db):
    first = snapshot()
    delete_demo()
    seed_demo(seed=42)
    assert snapshot() == first
    delete_demo()
    seed_demo(seed=7)
    other = snapshot()
    assert other["cmos"] != first["cmos"] and other["products"] != first["products"]
    assert len(other["products"]) == len(first["products"])


def test_scale_2_doubles_the_portfolio_in_as_many_queries(demo, db, monkeypatch):
    # The portfolio alone; the steps' queries are counted in test_demo_steps.py.
    monkeypatch.setattr(demo_module, "DEMO_STEPS", [])
    before = {model: model.objects.count() for model in PORTFOLIO_MODELS}
    with CaptureQueriesContext(connection) as block_1:
        call_command("seed_demo", "--scale", "2", stdout=io.StringIO())
    for model, count in before.items():
        assert model.objects.count() == 2 * count, model
    assert Cmo.objects.filter(name="Shannon Biologics II Ltd").exists()
    with CaptureQueriesContext(connection) as blocks_2_and_3:
        call_command("seed_demo", "--scale", "4", stdout=io.StringIO())
    assert Cmo.objects.count() == 100
    # Set-based: a handful of queries per model, and twice the rows in about as many
    # queries (only a batch of 1,000 rows adds one).
    assert len(block_1) <= 50
    assert len(blocks_2_and_3) <= len(block_1) * 1.25
