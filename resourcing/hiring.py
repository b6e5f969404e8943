"""The hiring plan: from the products' planned milestones and the oversight tiers, which
roles must be in place by when, who holds each, and where the gaps are.

Brief, point 4: a strategic sourcing manager before major sourcing decisions; an
experienced CMO relationship manager before the commercial CMO is selected and its
contracts negotiated. Pure functions over values, like `effort`.
"""

import datetime
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from resourcing import effort
from resourcing.effort import (
    ACTIVE,
    QUALITY_CONTACT,
    RELATIONSHIP_MANAGER,
    STRATEGIC_SOURCING_MANAGER,
    TECHNICAL_EXPERT,
)

# Milestone → (its name, the roles that must be in place before it).
MILESTONES: dict[str, tuple[str, tuple[str, ...]]] = {
    "sourcing_decision": ("Sourcing decision", (STRATEGIC_SOURCING_MANAGER,)),
    "cmo_selection": (
        "Commercial CMO selection and contract negotiation",
        (RELATIONSHIP_MANAGER,),
    ),
    "tech_transfer": ("Tech transfer", (TECHNICAL_EXPERT, QUALITY_CONTACT)),
    "launch": ("Launch", (RELATIONSHIP_MANAGER, QUALITY_CONTACT, TECHNICAL_EXPERT)),
    "commercial": ("Commercial supply", (RELATIONSHIP_MANAGER, QUALITY_CONTACT)),
}
# The tier a product's CMOs are planned for once it is commercial, when none is known.
PLANNED_TIER = ACTIVE
# Days it takes to recruit and onboard someone into a role.
RECRUITMENT_LEAD_DAYS = 120

IN_PLACE, OVERLOADED, GAP, LATE = "in_place", "overloaded", "gap", "late"
STATUS_LABELS = {
    IN_PLACE: "In place",
    OVERLOADED: "Held, but over capacity",
    GAP: "Gap",
    LATE: "Gap — already due",
}


@dataclass(frozen=True)
class PhasePlan:
    """A product's planned milestone dates and the people lined up for its roles."""

    product_id: int
    code: str
    name: str
    dates: Mapping[str, datetime.date | None]
    nominated: Mapping[str, int | None]


@dataclass(frozen=True)
class RoleNeed:
    """One role a product needs in place by a date, and whether it is."""

    product_id: int
    code: str
    milestone: str
    milestone_label: str
    role: str
    needed_by: datetime.date
    recruit_by: datetime.date
    hours_per_month: float
    holder_id: int | None
    status: str
    note: str = ""
    holder_name: str = ""

    @property
    def role_label(self) -> str:
        return effort.ROLE_LABELS[self.role]

    @property
    def status_label(self) -> str:
        return STATUS_LABELS[self.status]

    @property
    def is_gap(self) -> bool:
        return self.status != IN_PLACE


def hiring_timeline(
    plans: Iterable[PhasePlan],
    product_cmos: Mapping[int, Iterable[effort.CmoFacts]],
    rates: effort.Rates,
    today: datetime.date,
    over_capacity: Mapping[int, float] | None = None,
    names: Mapping[int, str] | None = None,
) -> list[RoleNeed]:
    """Each role each planned product needs, by the earliest milestone that needs it.

    The holder is the person assigned to that role on one of the CMOs making the product,
    else the person the plan lines up. `over_capacity` maps people over 100 % to their load
    (1.3 = 130 %): a role they hold is held, but not by someone with room for it."""
    over_capacity = over_capacity or {}
    names = names or {}
    needs = []
    for plan in plans:
        cmos = list(product_cmos.get(plan.product_id, ()))
        tier = PLANNED_TIER
        for cmo in cmos:
            tier = effort.higher_tier(tier, cmo.tier)
        hours = effort.monthly_need(tier, rates)
        seen: set[str] = set()
        for milestone, (label, roles) in MILESTONES.items():
            day = plan.dates.get(milestone)
            if not day:
                continue
            for role in roles:
                if role in seen:
                    continue
                seen.add(role)
                holder = next(
                    (c.holders.get(role) for c in cmos if c.holders.get(role)), None
                ) or plan.nominated.get(role)
                status, note = _status(holder, day, today, over_capacity, names)
                needs.append(
                    RoleNeed(
                        plan.product_id,
                        plan.code,
                        milestone,
                        label,
                        role,
                        day,
                        day - datetime.timedelta(days=RECRUITMENT_LEAD_DAYS),
                        hours.get(role, 0.0),
                        holder,
                        status,
                        note,
                        names.get(holder, "") if holder else "",
                    )
                )
    return sorted(needs, key=lambda n: (n.needed_by, n.code, effort.ROLES.index(n.role)))


def _status(holder, day, today, over_capacity, names) -> tuple[str, str]:
    if holder is None:
        if day <= today:
            return LATE, "nobody holds the role and its milestone has come"
        return (
            GAP,
            f"recruit or assign by {day - datetime.timedelta(days=RECRUITMENT_LEAD_DAYS):%d %b %Y}",
        )
    load = over_capacity.get(holder)
    if load is not None:
        who = names.get(holder, "the holder")
        return OVERLOADED, f"{who} is already at {load:.0%} of capacity"
    return IN_PLACE, ""
