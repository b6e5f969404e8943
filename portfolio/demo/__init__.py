"""Demo data: a realistic portfolio of CMOs, their sites, audits, products, supply chains,
contracts and the people who manage them, for `manage.py seed_demo` and for benchmarks.

The portfolio is made of *blocks* of 25 CMOs and 60 products with everything that hangs
off them; `scale` is the number of blocks. Every block is drawn from the same
`random.Random(seed)`, so that scale N is exactly N times the portfolio (what benchmarks
need); only the names differ from block to block: CMO names are numbered, product codes
continue, and product names come from a generator of the block's own. Each block is keyed
by its CMO names: a block whose CMOs exist is skipped. A second run therefore creates
nothing, and `--scale 2` after `--scale 1` adds exactly one block. Dates are relative to
`today`, so "expiring within 90 days" stays true whenever the demo is seeded.

Each model is written set-based — one `bulk_create_with_history` for all blocks — so that
scale 40 (1,000 CMOs) takes seconds, and every record has a "created" history entry with
the change reason "demo data".

`content` holds what the portfolio is made of, `planning` draws a block of unsaved
records from it, and this module writes them. Later apps add their own demo data as a
step in `DEMO_STEPS`.
"""

import datetime
import random
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.db import transaction
from django.db.models.functions import Lower
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from cmo_portal import roles
from contracts.models import Contract, Obligation
from kpis.demo import seed_measurements
from portfolio.demo.content import (
    CMO_SPECS,
    CMOS_PER_BLOCK,
    PEOPLE,
    PERSON_GROUP,
    PRODUCTS_PER_BLOCK,
    cmo_name,
    username_for,
)
from portfolio.demo.planning import BlockPlan, plan_block
from portfolio.demo.steps import recompute_risk
from resourcing.demo import seed_resource_plan
from reviews.demo import seed_reviews
from suppliers.models import Audit, AuditFinding, Capa, Capability, Cmo, Product, Site, SupplyStage

__all__ = [
    "CMOS_PER_BLOCK",
    "DEMO_CHANGE_REASON",
    "DEMO_LOGINS",
    "DEMO_STEPS",
    "PRODUCTS_PER_BLOCK",
    "DemoLogin",
    "DemoPortfolio",
    "demo_logins_ensure",
    "seed_demo",
    "seed_portfolio",
]

DEMO_CHANGE_REASON = "demo data"
BATCH_SIZE = 1000


# --- Demo logins ------------------------------------------------------------------------


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    password: str
    first_name: str
    last_name: str
    is_superuser: bool = False


# Readable on purpose: the demo runs on a laptop. Each passes Django's validators.
DEMO_LOGINS = (
    DemoLogin("scm", roles.SUPPLY_CHAIN_MANAGER, "demo-scm-2026", "Sofia", "Marin"),
    DemoLogin("rm", roles.RELATIONSHIP_MANAGER, "demo-rm-2026", "Robert", "Maier"),
    DemoLogin("exec", roles.EXECUTIVE, "demo-exec-2026", "Elena", "Hart"),
    DemoLogin("admin", roles.ADMINISTRATOR, "demo-admin-2026", "Alex", "Brandt", True),
)
DEMO_RM_LOGIN = DEMO_LOGINS[1]


def demo_logins_ensure() -> list[tuple[DemoLogin, bool]]:
    """Create the demo logins, or reset the password, flags and group of existing ones.
    Returns each login with whether its user was created."""
    User = get_user_model()
    groups = _role_groups()
    result = []
    with transaction.atomic():
        for login in DEMO_LOGINS:
            user, created = User.objects.get_or_create(username=login.username)
            user.first_name, user.last_name = login.first_name, login.last_name
            user.email = f"{login.username}@example.com"
            user.is_active = True
            user.is_staff = user.is_superuser = login.is_superuser
            validate_password(login.password, user)
            user.set_password(login.password)
            user.save()
            user.groups.set([groups[login.role]])
            result.append((login, created))
    return result


def _role_groups() -> dict[str, Group]:
    groups = {g.name: g for g in Group.objects.filter(name__in=roles.ALL_ROLES)}
    missing = [name for name in roles.ALL_ROLES if name not in groups]
    if missing:
        raise LookupError(f"Role groups missing ({', '.join(missing)}): run `manage.py migrate`.")
    return groups


# --- What a run created, and the steps of the demo ------------------------------------


@dataclass
class DemoPortfolio:
    """What one run of `seed_portfolio` created: empty when the demo already existed."""

    seed: int
    scale: int
    today: datetime.date
    blocks: list[int] = field(default_factory=list)
    people: list = field(default_factory=list)
    cmos: list[Cmo] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    audits: list[Audit] = field(default_factory=list)
    findings: list[AuditFinding] = field(default_factory=list)
    capas: list[Capa] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    stages: list[SupplyStage] = field(default_factory=list)
    contracts: list[Contract] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)
    # The `rm` demo login when this run created block 0 (its CMOs are assigned to it).
    rm_login: object = None
    # What the further steps added, by name (measurements, reviews…), for the summary.
    added: dict[str, int] = field(default_factory=dict)

    COUNTED = (
        "people",
        "cmos",
        "sites",
        "audits",
        "findings",
        "capas",
        "products",
        "stages",
        "contracts",
        "obligations",
    )

    @property
    def created(self) -> bool:
        return bool(self.blocks)

    def rng(self, step: str) -> random.Random:
        """A generator of its own for a further demo step, so that adding a step does not
        change the data of the others."""
        return random.Random(f"{self.seed}:{step}:{','.join(map(str, self.blocks))}")

    def counts(self) -> dict[str, int]:
        return {name: len(getattr(self, name)) for name in self.COUNTED} | self.added


DemoStep = Callable[[DemoPortfolio], None]

# Further demo steps, run in this order after the portfolio, in the same transaction and
# only when this run created something (so that a second run stays a no-op). Each takes
# the DemoPortfolio and adds its own records for `portfolio.cmos`, `portfolio.products`…
# with `portfolio.rng("<step name>")`. The risk recompute comes last: it reads what the
# others wrote (scorecards, for-cause reviews, budgets) and schedules the reviews its
# tiers call for.
DEMO_STEPS: list[DemoStep] = [
    seed_measurements,  # kpis: two years of quarterly measurements, and the scorecards
    seed_reviews,  # reviews: signed and overdue business reviews, actions, ratings
    seed_resource_plan,  # resourcing: capacities, oversight budgets, phase plans
    recompute_risk,  # portfolio: tiers, findings, risk scores; the upcoming reviews
]


def seed_demo(seed: int = 42, scale: int = 1, today: datetime.date | None = None) -> DemoPortfolio:
    """The whole demo: the portfolio, then every step of `DEMO_STEPS`."""
    with transaction.atomic():
        portfolio = seed_portfolio(seed, scale, today)
        if portfolio.created:
            for step in DEMO_STEPS:
                step(portfolio)
    return portfolio


# --- Writing --------------------------------------------------------------------------


def seed_portfolio(
    seed: int = 42, scale: int = 1, today: datetime.date | None = None
) -> DemoPortfolio:
    """Create the blocks of the demo portfolio that do not exist yet (see the module)."""
    if scale < 1:
        raise ValueError("The scale is at least 1.")
    portfolio = DemoPortfolio(seed=seed, scale=scale, today=today or timezone.localdate())
    with transaction.atomic():
        blocks = _missing_blocks(scale)
        if not blocks:
            return portfolio
        groups = _role_groups()
        people, portfolio.people = _people(blocks, groups)
        rm_login = _rm_login_user(groups) if 0 in blocks else None
        portfolio.rm_login = rm_login
        plans = [plan_block(b, seed, portfolio.today, people[b], rm_login) for b in blocks]
        _write(plans, portfolio)
        portfolio.blocks = blocks
    return portfolio


def _missing_blocks(scale: int) -> list[int]:
    """The blocks none of whose CMOs exists yet (names compared case-insensitively, as
    the unique constraint does)."""
    names = {cmo_name(spec, b).lower(): b for b in range(scale) for spec in CMO_SPECS}
    existing = (
        Cmo.objects.annotate(lname=Lower("name"))
        .filter(lname__in=list(names))
        .values_list("lname", flat=True)
    )
    present = {names[name] for name in existing}
    return [b for b in range(scale) if b not in present]


def _people(blocks: list[int], groups) -> tuple[dict[int, dict[str, list]], list]:
    """The colleagues of each block, by CMO role: existing users reused, others created
    without a usable password (they are names on the records, not logins)."""
    User = get_user_model()
    wanted = {
        username_for(first, last, block): (block, role, first, last)
        for block in blocks
        for role, names in PEOPLE.items()
        for first, last in names
    }
    existing = {u.username: u for u in User.objects.filter(username__in=list(wanted))}
    by_block: dict[int, dict[str, list]] = {b: defaultdict(list) for b in blocks}
    new, memberships = [], []
    for username, (block, role, first, last) in wanted.items():
        user = existing.get(username)
        if user is None:
            user = User(
                username=username, first_name=first, last_name=last, email=f"{username}@example.com"
            )
            user.set_unusable_password()
            new.append(user)
            memberships.append((user, groups[PERSON_GROUP[role]]))
        by_block[block][role].append(user)
    User.objects.bulk_create(new, batch_size=BATCH_SIZE)
    Membership = User.groups.through
    Membership.objects.bulk_create(
        [Membership(user_id=u.pk, group_id=g.pk) for u, g in memberships], batch_size=BATCH_SIZE
    )
    return by_block, new


def _rm_login_user(groups):
    """The `rm` demo login, created without a usable password when `create_demo_users`
    has not run yet (it sets the password)."""
    login = DEMO_RM_LOGIN
    user, created = get_user_model().objects.get_or_create(
        username=login.username,
        defaults={
            "first_name": login.first_name,
            "last_name": login.last_name,
            "email": f"{login.username}@example.com",
            "password": "!",
        },
    )
    if created:
        user.groups.add(groups[login.role])
    return user


def _write(plans: list[BlockPlan], portfolio: DemoPortfolio) -> None:
    """One bulk insert per model (and per history table) for all blocks together."""

    def every(name):
        return [obj for plan in plans for obj in getattr(plan, name)]

    capabilities = {c.name: c for c in Capability.objects.all()}
    portfolio.cmos = _create(Cmo, every("cmos"))
    _create_m2m(
        Cmo, "capabilities", [(c, capabilities.get(n)) for c, n in every("cmo_capabilities")]
    )
    portfolio.sites = _create(Site, every("sites"))
    _create_m2m(
        Site, "capabilities", [(s, capabilities.get(n)) for s, n in every("site_capabilities")]
    )
    portfolio.audits = _create(Audit, every("audits"))
    portfolio.findings = _create(AuditFinding, every("findings"))
    portfolio.capas = _create(Capa, every("capas"))
    portfolio.products = _create(Product, every("products"))
    portfolio.stages = _create(SupplyStage, every("stages"))
    portfolio.contracts = _create(Contract, every("contracts"))
    _create_m2m(Contract, "products", every("contract_products"))
    portfolio.obligations = _create(Obligation, every("obligations"))


def _create(model, objs: list) -> list:
    return bulk_create_with_history(
        objs, model, batch_size=BATCH_SIZE, default_change_reason=DEMO_CHANGE_REASON
    )


def _create_m2m(model, field_name: str, pairs: list[tuple]) -> None:
    """The through rows of `pairs` (owner, target), and the same rows in the m2m history of
    each owner's "created" entry, so that the audit trail shows them from the start."""
    pairs = [(a, b) for a, b in pairs if b is not None]
    if not pairs:
        return
    m2m = model._meta.get_field(field_name)
    through = m2m.remote_field.through
    source, target = f"{m2m.m2m_field_name()}_id", f"{m2m.m2m_reverse_field_name()}_id"
    rows = through.objects.bulk_create(
        [through(**{source: a.pk, target: b.pk}) for a, b in pairs], batch_size=BATCH_SIZE
    )
    created_entry = dict(
        model.history.filter(id__in={a.pk for a, _ in pairs}, history_type="+").values_list(
            "id", "history_id"
        )
    )
    history_rows = apps.get_model(model._meta.app_label, f"Historical{model.__name__}_{field_name}")
    history_rows.objects.bulk_create(
        [
            history_rows(
                id=row.pk,
                history_id=created_entry[getattr(row, source)],
                **{source: getattr(row, source), target: getattr(row, target)},
            )
            for row in rows
        ],
        batch_size=BATCH_SIZE,
    )
