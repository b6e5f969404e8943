"""Demo data of the reviews app (a step of `portfolio.demo.DEMO_STEPS`): for every active
CMO with a relationship manager, the quarterly business reviews of the last two reviewed
quarters, held and signed, with their frozen scorecards, ratings, notes and action items,
and the stakeholders' ratings asked before them. In each block two reviews of the last
quarter were opened but never signed: past their due date, they are marked overdue, and
one carries a rating request still waiting in the inbox of the `rm` demo login.

Signing goes through `review_sign`'s password check, which the demo's colleagues cannot
pass (they have no usable password); the reviews are therefore written as `review_sign`
leaves them — completed, the scorecard and the carried actions frozen — with a
`ReviewSignature` beside each, in one bulk insert per model.

The upcoming reviews are scheduled by the last step of the demo, once the risk recompute
has set each CMO's tier and cadence (`reviews_schedule_bulk`).
"""

import datetime
from collections import defaultdict

from django.db.models import F
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from kpis.models import Scorecard
from kpis.periods import previous_quarter, quarter_start
from reviews.models import (
    DIMENSIONS,
    SIGNATURE_MEANING,
    ActionItem,
    BusinessReview,
    ReviewSignature,
    StakeholderRating,
)
from reviews.periods import period_label
from reviews.scheduling import review_plan, reviews_mark_overdue, reviews_missing
from reviews.services import snapshot_of
from suppliers.models import Cmo

# The change reason of every demo record (`portfolio.demo.DEMO_CHANGE_REASON`).
CHANGE_REASON = "demo data"
BATCH_SIZE = 1000
QUARTERLY = BusinessReview.Kind.QUARTERLY
LATE_PER_BLOCK = 2

HEALTH = {
    "green": BusinessReview.Health.HEALTHY,
    "amber": BusinessReview.Health.AT_RISK,
    "red": BusinessReview.Health.CRITICAL,
}
# Ratings 1–5 a relationship manager gives for a scorecard of each status.
RATING_BANDS = {"green": (4, 5), "amber": (3, 4), "red": (1, 2), "none": (3, 4)}
COMMENTS = {
    "quality": (
        "Repeated deviations on the same line; investigations lack a root cause.",
        "Deviations closed on time, but right first time still below target.",
        "Clean batch records and fast QA release all quarter.",
    ),
    "delivery": (
        "Two shipments late and one short; the schedule was re-planned three times.",
        "Mostly on time; one delivery slipped by a week after a capacity clash.",
        "Every delivery on the agreed date and in full.",
    ),
    "cost": (
        "Invoices above contract price without an agreed change order.",
        "Prices as contracted; the yield loss on one campaign cost us extra material.",
        "On contract price; proposed a solvent recovery that lowers the cost.",
    ),
    "responsiveness": (
        "Quality queries took more than two weeks to answer.",
        "Answers within a week; escalations need chasing.",
        "Queries answered within two days, escalations the same day.",
    ),
    "partnership": (
        "Management attention is elsewhere; our account feels like a low priority.",
        "Open discussions, but commitments from the last review only partly kept.",
        "Proactive: shared their capacity plan and flagged risks before we asked.",
    ),
}
RISKS = {
    "green": "No new risk. Watch {kpi}: it moved the least towards target.",
    "amber": "{kpi} is below target; if it does not recover next quarter, supply to the "
    "launch markets is exposed.",
    "red": "{kpi} is far off target and the site is under regulatory scrutiny: supply of "
    "the products made there is at risk until the CAPAs are effective.",
}
DECISIONS = {
    "green": "Keep the quarterly rhythm; agree next year's forecast at the next review.",
    "amber": "Weekly calls on {kpi} until it is back on target; re-assess at the next review.",
    "red": "Escalate to the CMO's general manager; prepare the qualification of the backup "
    "site; no new products to this CMO until the scorecard recovers.",
}
ACTIONS = {
    "otif": "Agree a recovery plan for on-time delivery, with weekly schedule calls",
    "rft": "Root-cause the failed batches and present the CAPA plan",
    "disposition_time": "Shorten batch record review: second QA reviewer at release peaks",
    "deviation_rate": "Trend deviations by line and share the top-three causes",
    "capa_on_time": "Close the overdue CAPAs and report their effectiveness checks",
    "audit_findings": "Send the CAPA plan for the major audit findings",
    "complaint_rate": "Investigate the complaint cluster and report the field actions",
    "yield": "Review the yield loss of the last campaign with the process experts",
    "price_variance": "Reconcile invoices against contract prices and credit the difference",
    "responsiveness": "Name a single point of contact for quality and supply queries",
}
GENERAL_ACTIONS = (
    "Share the 18-month capacity plan for our products",
    "Update the quality agreement to the new annex 1 responsibilities",
    "Confirm the rolling forecast and the frozen-zone orders",
    "Schedule the next supplier audit of the main site",
    "Agree the price review for next year",
)
CMO_PEOPLE = (
    "M. Schneider (account manager)",
    "A. Rossi (site head of quality)",
    "K. Tanaka (head of supply chain)",
    "P. Sharma (general manager)",
    "L. Moreau (project manager)",
    "J. Novak (head of production)",
)
CMO_OWNERS = ("Account manager", "Site head of quality", "Head of supply chain", "QA manager")


def reviewed_quarter(today: datetime.date) -> datetime.date:
    """The latest quarter whose quarterly review was due before `today`."""
    quarter = previous_quarter(quarter_start(today))
    while review_plan(QUARTERLY, quarter).due_date >= today:
        quarter = previous_quarter(quarter)
    return quarter


def _at(day: datetime.date, hour: int) -> datetime.datetime:
    return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))


def _name(user) -> str:
    return user.get_full_name() or user.username


def scorecard_snapshots(cmos: list[Cmo], periods: list[datetime.date]) -> dict[tuple, dict]:
    """The snapshots of the CMOs' scorecards of `periods`, by (CMO pk, period). One query."""
    cards = Scorecard.objects.filter(cmo__in=cmos, period__in=periods).select_related("basis")
    return {(card.cmo_id, card.period): snapshot_of(card) for card in cards}


def _weakest(snapshot: dict) -> dict | None:
    measured = [line for line in snapshot.get("lines", []) if line["score"] is not None]
    return min(measured, key=lambda line: (line["score"], line["code"]), default=None)


def _colleagues(cmo: Cmo) -> list:
    """The company's people on the CMO, the relationship manager first."""
    people = [cmo.relationship_manager, cmo.quality_contact, cmo.technical_expert]
    return [p for p in people if p is not None]


def _review(cmo: Cmo, period: datetime.date, snapshot: dict, rng, signed: bool):
    """A quarterly review of `cmo` for `period`, held (and signed when `signed`)."""
    plan = review_plan(QUARTERLY, period)
    status = snapshot.get("status", "none")
    low, high = RATING_BANDS[status]
    review = BusinessReview(
        cmo=cmo,
        kind=QUARTERLY,
        period=period,
        scheduled_for=plan.scheduled_for,
        due_date=plan.due_date,
        owner_id=cmo.relationship_manager_id,
        company_attendees="\n".join(
            f"{_name(p)} ({role})"
            for p, role in zip(
                _colleagues(cmo), ("relationship manager", "quality", "technical"), strict=False
            )
        ),
        cmo_attendees="\n".join(rng.sample(CMO_PEOPLE, k=rng.randint(2, 3))),
        opened_at=_at(plan.scheduled_for - datetime.timedelta(days=rng.randint(3, 10)), 9),
        scorecard_snapshot=snapshot,
        status=BusinessReview.Status.IN_PROGRESS,
    )
    dimensions = DIMENSIONS if signed else DIMENSIONS[:2]  # an unsigned one is half done
    for dimension in dimensions:
        rating = rng.randint(low, high)
        setattr(review, dimension, rating)
        band = 0 if rating <= 2 else 1 if rating == 3 else 2
        setattr(review, f"{dimension}_comment", COMMENTS[dimension][band])
    if not signed:
        return review
    weakest = _weakest(snapshot)
    kpi = weakest["name"] if weakest else "the scorecard"
    review.status = BusinessReview.Status.COMPLETED
    review.completed_on = plan.scheduled_for + datetime.timedelta(days=rng.randint(0, 6))
    review.health = HEALTH.get(status, BusinessReview.Health.AT_RISK)
    if snapshot:
        review.summary = (
            f"{snapshot['label']} scorecard {snapshot['score']:.0f} ({status}), "
            f"{snapshot['completeness']:.0f} % measured. Weakest KPI: {kpi} "
            f"at {weakest['value']:g} {weakest['unit']}."
        )
    else:
        review.summary = "No scorecard for the quarter: the CMO has not reported its KPIs."
    review.risks = RISKS.get(status, RISKS["amber"]).format(kpi=kpi)
    review.decisions = DECISIONS.get(status, DECISIONS["amber"]).format(kpi=kpi)
    return review


def _signature(review: BusinessReview) -> ReviewSignature:
    owner = review.cmo.relationship_manager
    return ReviewSignature(
        review=review,
        signed_by=owner,
        printed_name=_name(owner),
        signed_at=_at(review.completed_on, 16),
        meaning=SIGNATURE_MEANING,
    )


def _actions(review: BusinessReview, rng, today: datetime.date) -> list[ActionItem]:
    """The actions a signed review raised: on its weakest KPI, and general ones. Some
    are done by now, others open, a few of those past their due date."""
    weakest = _weakest(review.scorecard_snapshot)
    texts = [ACTIONS[weakest["code"]]] if weakest and weakest["code"] in ACTIONS else []
    texts += rng.sample(GENERAL_ACTIONS, k=rng.randint(0, 2) + (review.health != "healthy"))
    items = []
    for text in texts:
        due = review.completed_on + datetime.timedelta(days=rng.randint(21, 120))
        item = ActionItem(
            review=review,
            description=f"{text}.",
            owner=rng.choice(_colleagues(review.cmo)),
            owner_at_cmo=rng.choice(CMO_OWNERS) if rng.random() < 0.6 else "",
            due_date=due,
        )
        chance_done = 0.7 if due < today else 0.25
        closed_on = min(due + datetime.timedelta(days=rng.randint(-20, 5)), today)
        if rng.random() < chance_done and closed_on > review.completed_on:
            item.status = ActionItem.Status.DONE
            item.closed_on = closed_on
            item.resolution = "Done and verified at the follow-up call."
        elif rng.random() < 0.4:
            item.status = ActionItem.Status.IN_PROGRESS
        items.append(item)
    return items


def _carried(items: list[ActionItem]) -> list[dict]:
    """`reviews.services._carried_actions` of a review, from the open actions of earlier
    reviews already in memory."""
    return [
        {
            "id": a.pk,
            "description": a.description,
            "owner": _name(a.owner) if a.owner else a.owner_at_cmo,
            "due_date": a.due_date.isoformat(),
            "status": a.get_status_display(),
            "raised_in": period_label(a.review.kind, a.review.period),
        }
        for a in items
        if a.is_open
    ]


def _rating(review, rater, function, rng, *, answered: bool) -> StakeholderRating:
    rating = StakeholderRating(
        review=review, rater=rater, function=function, requested_by=review.cmo.relationship_manager
    )
    if answered:
        for dimension in DIMENSIONS:
            own = getattr(review, dimension) or 3
            setattr(rating, dimension, min(5, max(1, own + rng.choice((-1, 0, 0, 1)))))
        rating.comment = "As discussed in our weekly call."
        rating.answered_at = review.opened_at + datetime.timedelta(days=rng.randint(1, 3))
    return rating


def _late_cmos(portfolio, cmos: list[Cmo], rng) -> set[int]:
    """The CMOs whose last review was never signed: two a block; in the block of the `rm`
    login one of theirs and one of a colleague's."""
    size = len(portfolio.cmos) // len(portfolio.blocks)
    late: set[int] = set()
    rm = portfolio.rm_login
    for start in range(0, len(portfolio.cmos), size):
        block = {c.pk for c in portfolio.cmos[start : start + size]}
        managed = [c for c in cmos if c.pk in block]
        mine = [c for c in managed if rm is not None and c.relationship_manager_id == rm.pk]
        if mine:
            others = [c for c in managed if c not in mine]
            late |= {rng.choice(mine).pk, rng.choice(others).pk}
        else:
            late |= {c.pk for c in rng.sample(managed, k=min(LATE_PER_BLOCK, len(managed)))}
    return late


def _create(objs: list, model) -> list:
    return bulk_create_with_history(
        objs, model, batch_size=BATCH_SIZE, default_change_reason=CHANGE_REASON
    )


def seed_reviews(portfolio) -> None:
    """The reviews of the active CMOs of `portfolio` that have a relationship manager."""
    rng = portfolio.rng("reviews")
    today = portfolio.today
    cmos = [
        c
        for c in portfolio.cmos
        if c.status in Cmo.ACTIVE_STATUSES and c.relationship_manager_id is not None
    ]
    if not cmos:
        return
    quarter = reviewed_quarter(today)
    earlier = previous_quarter(quarter)
    snapshots = scorecard_snapshots(cmos, [earlier, quarter])
    late = _late_cmos(portfolio, cmos, rng)

    first = _create(
        [_review(c, earlier, snapshots.get((c.pk, earlier), {}), rng, True) for c in cmos],
        BusinessReview,
    )
    first_actions = _create([a for r in first for a in _actions(r, rng, today)], ActionItem)
    carried = defaultdict(list)
    for action in first_actions:
        carried[action.review.cmo_id].append(action)

    second = [
        _review(c, quarter, snapshots.get((c.pk, quarter), {}), rng, c.pk not in late) for c in cmos
    ]
    for review in second:
        if review.completed_on:
            review.carried_actions_snapshot = _carried(carried[review.cmo_id])
    second = _create(second, BusinessReview)
    signed = [r for r in second if r.completed_on]
    _create([_signature(r) for r in first + signed], ReviewSignature)
    second_actions = _create([a for r in signed for a in _actions(r, rng, today)], ActionItem)

    ratings = []
    for review in second:
        rm = portfolio.rm_login
        asked = (
            rng.random() < 0.3 or review.cmo.pk in late or review.owner_id == getattr(rm, "pk", 0)
        )
        if not asked:
            continue
        cmo = review.cmo
        for rater, function in (
            (cmo.quality_contact, StakeholderRating.Function.QUALITY),
            (cmo.technical_expert, StakeholderRating.Function.TECHNICAL),
        ):
            if rater is not None:
                ratings.append(_rating(review, rater, function, rng, answered=True))
        if review.cmo.pk in late and rm is not None and review.owner_id != rm.pk:
            # Asked for a colleague's view, still unanswered: the `rm` login's inbox.
            ratings.append(
                _rating(review, rm, StakeholderRating.Function.OTHER, rng, answered=False)
            )
    ratings = _create(ratings, StakeholderRating)
    # Asked a few days before they were answered (the insert stamps the request "now").
    StakeholderRating.objects.filter(
        pk__in=[r.pk for r in ratings if r.answered_at is not None]
    ).update(requested_at=F("answered_at") - datetime.timedelta(days=4))

    reviews_mark_overdue(today)
    portfolio.added["business reviews"] = len(first) + len(second)
    portfolio.added["action items"] = len(first_actions) + len(second_actions)
    portfolio.added["rating requests"] = len(ratings)


def reviews_schedule_bulk(today: datetime.date) -> int:
    """What `reviews.scheduling.reviews_schedule` creates, in one bulk insert: the next
    review of every active CMO that does not have it yet (the scheduler's own rule,
    `reviews_missing`). The scheduler saves them one by one, as its runs may race; the
    demo runs alone, in one transaction."""
    return len(_create(reviews_missing(today), BusinessReview))
