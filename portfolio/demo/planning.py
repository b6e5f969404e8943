"""Planning a block of the demo portfolio: pure Python that draws unsaved records, linked
by object, from a random generator. Nothing here touches the database."""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from contracts.models import Contract, Obligation
from portfolio.demo.content import (
    AGENCIES,
    AUDIT_SUMMARIES,
    BIO_CHAIN,
    BIO_STEMS,
    CAPA_ACTIONS,
    CAPA_OWNERS,
    CITIES,
    CMO_SPECS,
    CMOS_PER_BLOCK,
    CONTRACT_CODES,
    CURRENCIES,
    FACILITIES,
    FINDINGS,
    LEAD_AUDITORS,
    MIDDLES,
    PHASE_MIX,
    PREFIXES,
    PRODUCT_MIX,
    PRODUCTS_PER_BLOCK,
    SALTS,
    SMALL_CHAIN,
    SMALL_STEMS,
    SOW_TITLES,
    STAGE_LEAD_TIMES,
    CmoSpec,
    S,
    Step,
    cmo_name,
)
from suppliers.models import Audit, AuditFinding, Capa, Cmo, Product, Site, SupplyStage


def _days(n: int) -> datetime.timedelta:
    return datetime.timedelta(days=n)


@dataclass
class BlockPlan:
    cmos: list[Cmo] = field(default_factory=list)
    cmo_capabilities: list[tuple[Cmo, str]] = field(default_factory=list)
    sites: list[Site] = field(default_factory=list)
    site_capabilities: list[tuple[Site, str]] = field(default_factory=list)
    audits: list[Audit] = field(default_factory=list)
    findings: list[AuditFinding] = field(default_factory=list)
    capas: list[Capa] = field(default_factory=list)
    products: list[Product] = field(default_factory=list)
    stages: list[SupplyStage] = field(default_factory=list)
    contracts: list[Contract] = field(default_factory=list)
    contract_products: list[tuple[Contract, Product]] = field(default_factory=list)
    obligations: list[Obligation] = field(default_factory=list)


@dataclass
class _SitePlan:
    site: Site
    spec: CmoSpec
    cmo_index: int
    kinds: list[str]
    story: tuple[str, ...]

    @property
    def steps(self) -> list[str]:
        return [FACILITIES[kind][1] for kind in self.kinds]


def plan_block(block: int, seed: int, today, people, rm_login) -> BlockPlan:
    """One block of the portfolio. The stories of `CMO_SPECS` place in every block the
    situations the portfolio views must find: warning letters and open 483s, contracts
    expiring within 90 days, a commercial product whose CMO has no quality agreement in
    force, overdue CAPAs and obligations, CMOs with a role left unassigned."""
    rng = random.Random(seed)  # the same for every block: scale N is N times the same
    plan = BlockPlan()
    site_plans: list[_SitePlan] = []
    for i, spec in enumerate(CMO_SPECS):
        cmo = _plan_cmo(rng, spec, cmo_name(spec, block), i, people, rm_login)
        plan.cmos.append(cmo)
        for kind in spec.facilities:
            plan.cmo_capabilities += [(cmo, name) for name in FACILITIES[kind][0]]
        for site_plan in _plan_sites(rng, spec, cmo, i, today):
            site_plans.append(site_plan)
            plan.sites.append(site_plan.site)
            for kind in site_plan.kinds:
                plan.site_capabilities += [(site_plan.site, n) for n in FACILITIES[kind][0]]
            _plan_audits(rng, plan, site_plan, today, f"A{block * CMOS_PER_BLOCK + i + 1:04d}")
    _plan_products(rng, random.Random(f"{seed}:names:{block}"), plan, block)
    stages_by_cmo = _plan_stages(rng, plan, site_plans)
    for i, (spec, cmo) in enumerate(zip(CMO_SPECS, plan.cmos, strict=True)):
        cmo_no = block * CMOS_PER_BLOCK + i + 1
        _plan_contracts(rng, plan, spec, cmo, cmo_no, stages_by_cmo[i], today)
    if not any(o.status == "open" and o.due_date < today for o in plan.obligations):
        next(o for o in plan.obligations if o.due_date < today).status = "open"
    return plan


def _plan_cmo(rng, spec: CmoSpec, name: str, i: int, people, rm_login) -> Cmo:
    spend = Decimal(round(spec.spend_millions * rng.uniform(0.85, 1.15) * 1_000_000, -3))
    cmo = Cmo(
        name=name,
        country=spec.country,
        status=spec.status,
        annual_spend=spend,
        sourcing_objective=spec.objective,
        sourcing_rationale=spec.rationale,
    )
    # A prospect has only its sourcing manager; the rest are assigned round-robin, so
    # that loads are even, except the gaps placed on purpose.
    wanted = ["strategic_sourcing_manager"]
    if spec.status != S.PROSPECT:
        wanted += ["relationship_manager", "quality_contact", "technical_expert"]
    for role in wanted:
        if f"no_{role}" not in spec.story:
            pool = people[role]
            setattr(cmo, role, pool[(i + rng.randrange(2)) % len(pool)])
    if rm_login is not None and "rm_login" in spec.story:
        cmo.relationship_manager = rm_login
    if "no_relationship_manager" in spec.story:
        cmo.notes = "The relationship manager left in spring; the role is not filled yet."
    return cmo


def _plan_sites(rng, spec: CmoSpec, cmo: Cmo, cmo_index: int, today) -> list[_SitePlan]:
    n_sites = 1 if spec.status == S.PROSPECT else rng.choice([1, 1, 2, 2, 3])
    cities = rng.sample(CITIES[spec.country], k=n_sites)
    qualification = {
        S.APPROVED: Site.Qualification.QUALIFIED,
        S.CONDITIONAL: Site.Qualification.QUALIFIED,
        S.QUALIFYING: Site.Qualification.IN_QUALIFICATION,
        S.PROSPECT: Site.Qualification.NOT_QUALIFIED,
        S.DISQUALIFIED: Site.Qualification.DISQUALIFIED,
    }[spec.status]
    plans = []
    for n, city in enumerate(cities):
        # The first site does everything the CMO offers; further sites one thing each.
        kinds = list(spec.facilities) if n == 0 else [rng.choice(spec.facilities)]
        story = tuple(s for s in spec.story if s in ("warning_letter", "open_483") and n == 0)
        site = Site(
            cmo=cmo,
            name=f"{city} {FACILITIES[kinds[0]][2]}",
            country=spec.country,
            address=f"{city}, {spec.country}",
            qualification_status=qualification,
        )
        _plan_inspection(rng, site, story, today)
        plans.append(_SitePlan(site, spec, cmo_index, kinds, story))
    return plans


def _plan_inspection(rng, site: Site, story, today) -> None:
    Agency, Outcome = Site.Agency, Site.InspectionOutcome
    if "warning_letter" in story:
        site.last_inspection_date = today - _days(rng.randint(120, 300))
        site.last_inspection_agency, site.last_inspection_outcome = Agency.FDA, Outcome.OAI
        site.open_483 = site.open_warning_letter = True
    elif "open_483" in story:
        site.last_inspection_date = today - _days(rng.randint(30, 150))
        site.last_inspection_agency, site.last_inspection_outcome = Agency.FDA, Outcome.VAI
        site.open_483 = True
    elif rng.random() < 0.85:  # the others were never inspected by an authority
        export = rng.random() < 0.3  # export sites are inspected by the FDA too
        site.last_inspection_agency = Agency.FDA if export else AGENCIES.get(site.country, "ema")
        site.last_inspection_date = today - _days(rng.randint(90, 1400))
        site.last_inspection_outcome = Outcome.NAI if rng.random() < 0.7 else Outcome.VAI


def _plan_audits(rng, plan: BlockPlan, site_plan: _SitePlan, today, ref: str) -> None:
    status, A, T = site_plan.spec.status, Audit.Outcome, Audit.Type
    audits: list[tuple[datetime.date, str, str]] = []  # (date, type, outcome)
    if status == S.PROSPECT:
        audits.append((today + _days(rng.randint(20, 75)), T.QUALIFICATION, A.PLANNED))
    elif status == S.QUALIFYING:
        audits.append((today - _days(rng.randint(20, 70)), T.QUALIFICATION, A.CONDITIONAL))
    else:
        n = rng.randint(1, 3)
        last = today - _days(rng.randint(60, 800))  # past 730: the next audit is overdue
        for k in reversed(range(n)):
            date = last - _days(730 * k + rng.randint(-30, 30) * bool(k))
            outcome = A.ACCEPTABLE if rng.random() < 0.8 else A.CONDITIONAL
            audits.append((date, T.QUALIFICATION if k == n - 1 else T.ROUTINE, outcome))
        if site_plan.story:
            bad = A.UNACCEPTABLE if status == S.DISQUALIFIED else A.CONDITIONAL
            audits.append((today - _days(rng.randint(40, 100)), T.FOR_CAUSE, bad))
    for n, (date, audit_type, outcome) in enumerate(audits):
        next_due = None
        if outcome != A.PLANNED and not (n == len(audits) - 1 and status == S.DISQUALIFIED):
            next_due = date + _days(730 if outcome == A.ACCEPTABLE else 365)
        audit = Audit(
            site=site_plan.site,
            audit_date=date,
            audit_type=audit_type,
            lead_auditor=rng.choice(LEAD_AUDITORS),
            outcome=outcome,
            next_due_date=next_due,
            summary=AUDIT_SUMMARIES[outcome],
        )
        plan.audits.append(audit)
        _plan_findings(rng, plan, audit, status, today, f"{ref}-{len(plan.audits):02d}")


def _plan_findings(rng, plan: BlockPlan, audit: Audit, status, today, ref: str) -> None:
    counts = {  # (critical, major, minor)
        "planned": (0, 0, 0),
        "acceptable": (0, rng.choice([0, 0, 0, 1]), rng.randint(0, 3)),
        "conditional": (0, rng.randint(1, 2), rng.randint(1, 3)),
        "unacceptable": (rng.randint(1, 2), 2, rng.randint(1, 2)),
    }[audit.outcome]
    n = 0
    for classification, count in zip(("critical", "major", "minor"), counts, strict=True):
        for text in rng.sample(FINDINGS[classification], k=count):
            n += 1
            finding = AuditFinding(
                audit=audit,
                classification=classification,
                reference=f"{ref}-{n:02d}",
                description=text,
            )
            plan.findings.append(finding)
            n_capas = rng.choice([0, 1]) if classification == "minor" else rng.randint(1, 2)
            for k in range(n_capas):
                plan.capas.append(_plan_capa(rng, finding, audit, status, today, k == 0))


def _plan_capa(rng, finding, audit: Audit, status, today, first: bool) -> Capa:
    St = Capa.Status
    for_cause = audit.audit_type == Audit.Type.FOR_CAUSE
    # The first CAPA of a for-cause audit (40+ days ago) was due after 30 days: overdue.
    due = audit.audit_date + _days(30 if for_cause and first else rng.choice([45, 60, 90, 120]))
    capa = Capa(
        finding=finding,
        description=rng.choice(CAPA_ACTIONS),
        owner=rng.choice(CAPA_OWNERS),
        due_date=due,
    )
    if for_cause and status == S.DISQUALIFIED:
        capa.status = St.CANCELLED  # no point once the CMO is gone
    elif for_cause and first:
        capa.status = St.OPEN
    elif due < today - _days(45) and rng.random() < 0.92:
        capa.status = St.CLOSED
        closed = min(today, due + _days(rng.randint(-25, 20)))
        capa.closed_date = max(closed, audit.audit_date + _days(1))
    else:
        capa.status = rng.choice([St.OPEN, St.IN_PROGRESS])
    return capa


def _plan_products(rng, names: random.Random, plan: BlockPlan, block: int) -> None:
    phases = [phase for phase, count in PHASE_MIX for _ in range(count)]
    rng.shuffle(phases)
    taken: set[str] = set()
    for product_type, count, prefix, lead, cost, demand in PRODUCT_MIX:
        for _ in range(count):
            biologic = product_type == "drug_substance" or (
                product_type != "api" and rng.random() < 0.35
            )
            inn = ""
            while not inn or inn in taken:
                stem = names.choice(BIO_STEMS if biologic else SMALL_STEMS)
                inn = (names.choice(PREFIXES) + names.choice(MIDDLES) + stem).capitalize()
            taken.add(inn)
            strength = rng.choice([5, 10, 20, 25, 50, 100, 150, 200])
            name = {
                "api": f"{inn} {names.choice(SALTS)}",
                "drug_substance": f"{inn} drug substance",
            }.get(product_type) or (
                f"{inn} {strength} mg/mL solution for injection"
                if biologic
                else f"{inn} {strength} mg film-coated tablets"
            )
            if product_type == "finished_pack":
                pack = rng.choice([28, 30, 56, 90])
                name += ", carton of 1 prefilled syringe" if biologic else f", pack of {pack}"
            phase = phases[len(plan.products)]
            annual_demand = rng.randint(*demand)
            if phase in ("clinical", "discontinued"):
                annual_demand = max(1, annual_demand // 10)
            product = Product(
                code=f"{prefix}-{block * PRODUCTS_PER_BLOCK + len(plan.products) + 1:04d}",
                name=name,
                product_type=product_type,
                lifecycle_phase=phase,
                patient_criticality=rng.choices(
                    ["low", "medium", "high", "critical"], weights=[15, 40, 30, 15]
                )[0],
                manufacturing_lead_time_days=rng.randint(*lead),
                unit_cost=Decimal(str(round(rng.uniform(*cost), 2))),
                api_stability=rng.choices(["stable", "moderate", "unstable"], weights=[55, 30, 15])[
                    0
                ],
                market_availability=rng.choices(
                    ["readily_available", "limited", "single_source"], weights=[50, 35, 15]
                )[0],
                annual_demand=annual_demand,
            )
            product._demo_chain = _chain(rng, product_type, biologic)
            plan.products.append(product)


def _chain(rng, product_type: str, biologic: bool) -> list[str]:
    """2–5 steps in chain order: the template's first step, then a sample of the rest."""
    if product_type in ("api", "drug_substance"):
        first = Step.API_SYNTHESIS if product_type == "api" else Step.DRUG_SUBSTANCE
        template, low, high = [first, Step.TESTING, Step.DISTRIBUTION], 2, 3
    else:
        template = BIO_CHAIN if biologic else SMALL_CHAIN
        low, high = (3, 5) if product_type == "drug_product" else (4, 5)
    rest = sorted(rng.sample(range(1, len(template)), k=rng.randint(low, high) - 1))
    return [template[0], *(template[i] for i in rest)]


def _plan_stages(rng, plan: BlockPlan, site_plans: list[_SitePlan]) -> dict[int, list]:
    """The supply stages of the block's products at its sites: never at a disqualified or
    prospective CMO, at a qualifying one only for clinical and tech-transfer products.
    Some stages have a qualified backup at another CMO; shares of a step sum to 100.
    Returns the stages by the block-local index of the CMO."""
    commercial, development = defaultdict(list), defaultdict(list)
    for sp in site_plans:
        for step in sp.steps:
            if sp.spec.status in (S.APPROVED, S.CONDITIONAL):
                commercial[step].append(sp)
            if sp.spec.status in (S.APPROVED, S.CONDITIONAL, S.QUALIFYING):
                development[step].append(sp)
    lapsed = [sp for sp in site_plans if "qa_lapsed" in sp.spec.story]
    lapsed_placed = False
    by_cmo: dict[int, list] = defaultdict(list)
    for product in plan.products:
        in_development = product.lifecycle_phase in ("clinical", "tech_transfer")
        for step in product._demo_chain:
            candidates = (development if in_development else commercial)[step]
            forced = None
            if not lapsed_placed and product.lifecycle_phase == "commercial":
                # The commercial product whose CMO has no quality agreement in force.
                forced = next((sp for sp in lapsed if step in sp.steps), None)
                lapsed_placed = forced is not None
            primary = forced or rng.choice(candidates)
            others = [sp for sp in candidates if sp.cmo_index != primary.cmo_index]
            chosen = [(primary, Decimal("100"), False)]
            has_backup = others and product.lifecycle_phase != "discontinued"
            if not forced and has_backup and rng.random() < 0.35:
                split = rng.choice([100, 80, 70, 60])  # a backup may be qualified but idle
                chosen = [
                    (primary, Decimal(split), False),
                    (rng.choice(others), Decimal(100 - split), True),
                ]
            for sp, share, is_backup in chosen:
                needed = product.annual_demand * max(float(share), 40.0) / 100
                tight = rng.random() < 0.1  # some stages run near or over capacity
                factor = rng.uniform(0.9, 1.05) if tight else rng.uniform(1.1, 2.5)
                stage = SupplyStage(
                    product=product,
                    site=sp.site,
                    step=step,
                    sequence=SupplyStage.STEP_ORDER[step],  # save() is bypassed by bulk_create
                    capacity_per_year=max(1, round(needed * factor)),
                    lead_time_days=rng.randint(*STAGE_LEAD_TIMES[step]),
                    volume_share=share,
                    is_qualified_backup=is_backup,
                )
                plan.stages.append(stage)
                by_cmo[sp.cmo_index].append(stage)
    return by_cmo


def _in_force_until(effective: datetime.date, years: int, today) -> datetime.date:
    """An expiry renewed in steps of `years` until past the 90-day window, so that only
    the deliberate stories are expiring."""
    expiry = effective + _days(365 * years)
    while expiry <= today + _days(120):
        expiry += _days(365 * years)
    return expiry


def _plan_contracts(rng, plan: BlockPlan, spec: CmoSpec, cmo: Cmo, cmo_no: int, stages, today):
    T = Contract.Type
    products = list({id(s.product): s.product for s in stages}.values())
    contracts: list[tuple[Contract, list[Product]]] = []

    def add(contract_type, title, covered=(), signed=True, **dates_and_terms):
        contract = Contract(
            cmo=cmo,
            contract_type=contract_type,
            reference=f"{CONTRACT_CODES[contract_type]}-{cmo_no:04d}-{len(contracts) + 1:02d}",
            title=title,
            currency=CURRENCIES.get(cmo.country, "EUR"),
            owner=cmo.strategic_sourcing_manager or cmo.relationship_manager,
            **dates_and_terms,
        )
        if signed:
            contract.signed_on = contract.effective_date - _days(rng.randint(5, 40))
        contracts.append((contract, list(covered)))

    if spec.status in (S.PROSPECT, S.QUALIFYING):
        start = today - _days(rng.randint(30, 300))
        add(
            T.CONFIDENTIALITY,
            "Mutual confidentiality agreement",
            effective_date=start,
            expiry_date=start + _days(3 * 365),
        )
    if spec.status == S.QUALIFYING:
        start = today + _days(rng.randint(30, 90))
        add(
            T.MSA,
            "Master services agreement",
            signed=False,
            effective_date=start,
            expiry_date=start + _days(5 * 365),
        )
        add(
            T.QUALITY,
            "GMP quality agreement",
            products,
            signed=False,
            effective_date=start,
            expiry_date=start + _days(3 * 365),
        )
    if spec.status in (S.APPROVED, S.CONDITIONAL, S.DISQUALIFIED):
        start, term = today - _days(rng.randint(2 * 365, 8 * 365)), rng.choice([5, 7, 10])
        end = _in_force_until(start, term, today)
        auto = end > start + _days(365 * term)
        if "msa_expiring" in spec.story:
            end, auto = today + _days(rng.randint(30, 80)), False
        add(
            T.MSA,
            "Master services agreement",
            effective_date=start,
            expiry_date=end,
            auto_renewal=auto,
            notice_period_days=180,
        )
        start = today - _days(rng.randint(365, 4 * 365))
        end = _in_force_until(start, 3, today)
        if "qa_expiring" in spec.story:
            end = today + _days(rng.randint(20, 70))
        if "qa_lapsed" in spec.story:
            start, end = today - _days(3 * 365 + 45), today - _days(45)
        add(T.QUALITY, "GMP quality agreement", products, effective_date=start, expiry_date=end)
        if "qa_lapsed" in spec.story:
            add(
                T.QUALITY,
                "GMP quality agreement (renewal)",
                products,
                signed=False,
                effective_date=today + _days(30),
                expiry_date=today + _days(30 + 3 * 365),
                notes="In legal review: the CMO wants to take over change control.",
            )
        halves = [products] if len(products) < 4 else [products[::2], products[1::2]]
        for n, covered in enumerate(halves if products else []):
            start = today - _days(rng.randint(200, 1100))
            end = _in_force_until(start, rng.choice([3, 5]), today)
            if "supply_expiring" in spec.story and n == 0:
                end = today + _days(rng.randint(15, 85))
            value = (cmo.annual_spend * Decimal(rng.randint(30, 60)) / 100).quantize(Decimal(1))
            add(
                T.SUPPLY,
                f"Commercial supply agreement {n + 1}",
                covered,
                effective_date=start,
                expiry_date=end,
                value=value,
                notice_period_days=rng.choice([90, 180]),
            )
        for _ in range(rng.randint(0, 2)):
            title, kind = rng.choice(SOW_TITLES), rng.choice(["completed", "running", "draft"])
            start = today + _days(
                {
                    "completed": -rng.randint(300, 700),
                    "running": -rng.randint(30, 200),
                    "draft": rng.randint(10, 60),
                }[kind]
            )
            end = {
                "completed": today - _days(rng.randint(20, 200)),
                "running": today + _days(rng.randint(120, 400)),
                "draft": start + _days(rng.randint(120, 365)),
            }[kind]
            add(
                T.SOW,
                title,
                signed=kind != "draft",
                effective_date=start,
                expiry_date=end,
                value=Decimal(rng.randrange(50_000, 1_500_000, 1_000)),
            )
    if spec.status == S.DISQUALIFIED:
        ended = today - _days(rng.randint(60, 150))
        for contract, _ in contracts:
            if contract.signed_on and contract.effective_date < ended < contract.expiry_date:
                contract.terminated_on = ended
    for contract, covered in contracts:
        plan.contracts.append(contract)
        plan.contract_products += [(contract, p) for p in covered]
        _plan_obligations(rng, plan, contract, today)


def _plan_obligations(rng, plan: BlockPlan, contract: Contract, today) -> None:
    """Price reviews, minimum purchases and forecasts of supply agreements, and the yearly
    product quality review of quality agreements; past ones mostly met, some overdue."""
    if not contract.signed_on:
        return
    K, St = Obligation.Kind, Obligation.Status
    end = contract.terminated_on or contract.expiry_date
    wanted: list[tuple[str, str, datetime.date]] = []
    if contract.contract_type == Contract.Type.SUPPLY:
        review = contract.effective_date + _days(365)
        while review < today - _days(60):
            review += _days(365)
        wanted.append((K.PRICE_REVIEW, "Annual price review against the agreed index.", review))
        for year in (today.year - 1, today.year):
            due = datetime.date(year, 12, 31)
            wanted.append((K.MINIMUM_PURCHASE, f"Minimum purchase commitment for {year}.", due))
        quarter = datetime.date(today.year, 3 * ((today.month - 1) // 3) + 1, 15)
        for offset in (-91, 0, 91):
            due = quarter + _days(offset)
            wanted.append((K.FORECAST, "Rolling 12-month forecast sent to the CMO.", due))
    elif contract.contract_type == Contract.Type.QUALITY:
        for year in (today.year - 1, today.year):
            due = datetime.date(year, 3, 31)
            wanted.append((K.REPORT, f"Annual product quality review {year - 1} delivered.", due))
    for kind, description, due in wanted:
        if not contract.effective_date <= due <= end:
            continue
        if due >= today:
            status = St.OPEN
        elif kind == K.MINIMUM_PURCHASE:
            status = rng.choice([St.MET, St.MET, St.MISSED, St.WAIVED])
        else:
            status = St.MET if rng.random() < 0.75 else St.OPEN  # open and past due: overdue
        plan.obligations.append(
            Obligation(
                contract=contract, kind=kind, description=description, due_date=due, status=status
            )
        )
