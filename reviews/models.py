"""Business reviews with CMOs: the meeting record, the stakeholders' ratings gathered before
it, the action items it raises, its electronic signature and the reminders sent about it."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from reviews.periods import period_end, period_label
from suppliers.models import Cmo
from suppliers.scoping import CmoScopedQuerySet

RATING_CHOICES = [(n, str(n)) for n in range(1, 6)]
# The five dimensions a CMO is rated on, 1 (poor) to 5 (excellent).
DIMENSIONS = ("quality", "delivery", "cost", "responsiveness", "partnership")
SIGNATURE_MEANING = "Reviewed and approved by the relationship manager"


class ReviewLocked(Exception):
    """A change was attempted on a signed review (or on what belongs to it)."""

    def __init__(self, review=None):
        self.review = review
        label = f"“{review}”" if review is not None else "The review"
        super().__init__(
            f"{label} is signed and locked; correct it with an amendment that states the reason."
        )


def _rating_field(label: str):
    return models.PositiveSmallIntegerField(label, choices=RATING_CHOICES, null=True, blank=True)


def _rating_constraints(prefix: str) -> list:
    return [
        models.CheckConstraint(
            condition=Q(**{f"{d}__isnull": True}) | Q(**{f"{d}__gte": 1, f"{d}__lte": 5}),
            name=f"{prefix}_{d}_1_to_5",
            violation_error_message="A rating lies between 1 and 5.",
        )
        for d in DIMENSIONS
    ]


# --- Reviews --------------------------------------------------------------------------------


class BusinessReviewQuerySet(CmoScopedQuerySet):
    cmo_path = "cmo"

    def open(self):
        """Reviews still to be held and signed."""
        return self.filter(status__in=BusinessReview.OPEN_STATUSES)

    def signed(self):
        return self.filter(signature__isnull=False)

    def unsigned(self):
        return self.filter(signature__isnull=True)

    def in_change_scope(self, user):
        """The reviews `user` could change were they not signed: with the permission,
        and of their CMOs. Pages and API answer "locked" (409) for the signed ones in
        it, and "not found" outside it."""
        return super().editable_by(user)

    def editable_by(self, user):
        # A signed review is locked for everyone: it is outside every editable set.
        return super().editable_by(user).unsigned()

    def deletable_by(self, user):
        return super().deletable_by(user).unsigned()


class BusinessReview(models.Model):
    """The periodic meeting of the relationship manager with a CMO, recorded with the
    period's scorecard, ratings, the health assessment, risks, decisions and action items;
    signed off by the relationship manager and then locked."""

    class Kind(models.TextChoices):
        MONTHLY = "monthly", "Monthly operations review"
        QUARTERLY = "quarterly", "Quarterly business review"
        SEMIANNUAL = "semiannual", "Semiannual business review"
        ANNUAL = "annual", "Annual strategic review"
        FOR_CAUSE = "for_cause", "For-cause review"

    class Status(models.TextChoices):
        SCHEDULED = "scheduled", "Scheduled"
        IN_PROGRESS = "in_progress", "In progress"
        COMPLETED = "completed", "Completed"
        OVERDUE = "overdue", "Overdue"
        CANCELLED = "cancelled", "Cancelled"

    class Health(models.TextChoices):
        HEALTHY = "healthy", "Healthy"
        AT_RISK = "at_risk", "At risk"
        CRITICAL = "critical", "Critical"

    OPEN_STATUSES = (Status.SCHEDULED, Status.IN_PROGRESS, Status.OVERDUE)

    cmo = models.ForeignKey(
        Cmo, on_delete=models.PROTECT, related_name="business_reviews", verbose_name="CMO"
    )
    kind = models.CharField(max_length=12, choices=Kind.choices, default=Kind.QUARTERLY)
    period = models.DateField(help_text="First day of the month, quarter, half-year or year.")
    scheduled_for = models.DateField("meeting date")
    due_date = models.DateField(help_text="Signed off by this date, or it is overdue.")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.SCHEDULED)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="owned_reviews",
        help_text="The CMO's relationship manager, who holds and signs the review.",
    )
    company_attendees = models.TextField(blank=True, help_text="One name and function a line.")
    cmo_attendees = models.TextField("CMO attendees", blank=True, help_text="One name a line.")

    opened_at = models.DateTimeField(null=True, blank=True, editable=False)
    scorecard_snapshot = models.JSONField(
        "scorecard of the period",
        default=dict,
        blank=True,
        editable=False,
        help_text="Frozen when the review is opened: later recomputes do not change it.",
    )

    quality = _rating_field("quality")
    quality_comment = models.TextField(blank=True)
    delivery = _rating_field("delivery")
    delivery_comment = models.TextField(blank=True)
    cost = _rating_field("cost")
    cost_comment = models.TextField(blank=True)
    responsiveness = _rating_field("responsiveness")
    responsiveness_comment = models.TextField(blank=True)
    partnership = _rating_field("partnership")
    partnership_comment = models.TextField(blank=True)

    health = models.CharField("overall health", max_length=10, choices=Health.choices, blank=True)
    summary = models.TextField(blank=True)
    risks = models.TextField("risks raised", blank=True)
    decisions = models.TextField(blank=True)

    completed_on = models.DateField(null=True, blank=True, editable=False)
    carried_actions_snapshot = models.JSONField(
        default=list,
        blank=True,
        editable=False,
        help_text="The open actions of earlier reviews as they stood at signing.",
    )
    amends = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="amendments",
        editable=False,
        help_text="The signed review this one corrects.",
    )
    amendment_reason = models.TextField(blank=True, editable=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = BusinessReviewQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "cmo__name"]
        constraints = [
            # The scheduler's guarantee: one scheduled review per CMO, kind and period, even
            # when two runs race. For-cause reviews and amendments may repeat.
            models.UniqueConstraint(
                fields=["cmo", "kind", "period"],
                condition=Q(amends__isnull=True) & ~Q(kind="for_cause"),
                name="review_unique_per_cmo_kind_period",
                violation_error_message="This CMO already has this review for the period.",
            ),
            models.CheckConstraint(
                condition=Q(due_date__gte=models.F("scheduled_for")),
                name="review_due_not_before_meeting",
                violation_error_message="The due date cannot be before the meeting date.",
            ),
            *_rating_constraints("review"),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="review_status_due")]

    def __str__(self):
        label = f"{self.get_kind_display()} {self.period_label} — {self.cmo.name}"
        return f"{label} (amendment)" if self.amends_id else label

    def save(self, *args, **kwargs):
        # The last line of defence behind forms, admin and API: a signed review is never
        # written again (the signing itself writes the review before the signature).
        if self._locked_in_database():
            raise ReviewLocked(self)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reviews:businessreview_detail", args=[self.pk])

    def delete(self, *args, **kwargs):
        if self._locked_in_database():
            raise ReviewLocked(self)
        return super().delete(*args, **kwargs)

    def _locked_in_database(self) -> bool:
        return self.pk is not None and ReviewSignature.objects.filter(review_id=self.pk).exists()

    @property
    def period_label(self) -> str:
        return period_label(self.kind, self.period)

    @property
    def period_end(self):
        return period_end(self.kind, self.period)

    @property
    def is_signed(self) -> bool:
        try:
            return self.signature is not None
        except ReviewSignature.DoesNotExist:
            return False

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OVERDUE or (
            self.status in self.OPEN_STATUSES and self.due_date < timezone.localdate()
        )

    def ratings(self) -> dict[str, int | None]:
        return {d: getattr(self, d) for d in DIMENSIONS}

    def rating_rows(self) -> list[tuple[str, int | None, str]]:
        """(dimension, rating, comment) in the order shown."""
        return [(d, getattr(self, d), getattr(self, f"{d}_comment")) for d in DIMENSIONS]

    def clean(self):
        errors = {}
        if self.scheduled_for and self.due_date and self.due_date < self.scheduled_for:
            errors["due_date"] = "The due date cannot be before the meeting date."
        if errors:
            raise ValidationError(errors)


class ReviewSignature(models.Model):
    """The electronic signature that completes a review: who signed (by password
    re-entry), their printed name, when, and what the signature means. Once it exists the
    review is locked."""

    review = models.OneToOneField(
        BusinessReview, on_delete=models.PROTECT, related_name="signature"
    )
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="review_signatures"
    )
    printed_name = models.CharField(max_length=200)
    signed_at = models.DateTimeField()
    meaning = models.CharField(max_length=200, default=SIGNATURE_MEANING)

    history = HistoricalRecords()

    class Meta:
        ordering = ["-signed_at"]

    def __str__(self):
        return f"{self.printed_name}, {timezone.localtime(self.signed_at):%d %b %Y %H:%M %Z}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ReviewLocked(self.review)
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ReviewLocked(self.review)


# --- Stakeholder ratings ---------------------------------------------------------------------


class StakeholderRatingQuerySet(CmoScopedQuerySet):
    cmo_path = "review__cmo"

    def pending(self):
        """Unanswered requests of reviews that will still take place."""
        return self.filter(answered_at__isnull=True).exclude(
            review__status=BusinessReview.Status.CANCELLED
        )

    def answered(self):
        return self.filter(answered_at__isnull=False)

    def addressed_to(self, user):
        return self.filter(rater=user)

    def in_change_scope(self, user):
        return super().editable_by(user)

    def editable_by(self, user):
        return super().editable_by(user).filter(review__signature__isnull=True)

    def deletable_by(self, user):
        return super().deletable_by(user).filter(review__signature__isnull=True)


class StakeholderRating(models.Model):
    """A colleague's rating of the CMO before the meeting. Created as a request by the
    review's owner (it then sits in the colleague's inbox); answered by the colleague."""

    class Function(models.TextChoices):
        QUALITY = "quality", "Quality"
        SUPPLY_CHAIN = "supply_chain", "Supply chain"
        FINANCE = "finance", "Finance"
        TECHNICAL = "technical", "Technical / process"
        OTHER = "other", "Other"

    review = models.ForeignKey(
        BusinessReview, on_delete=models.CASCADE, related_name="stakeholder_ratings"
    )
    rater = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="rating_requests"
    )
    function = models.CharField(max_length=15, choices=Function.choices)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        editable=False,
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    quality = _rating_field("quality")
    delivery = _rating_field("delivery")
    cost = _rating_field("cost")
    responsiveness = _rating_field("responsiveness")
    partnership = _rating_field("partnership")
    comment = models.TextField(blank=True)
    answered_at = models.DateTimeField(null=True, blank=True, editable=False)
    notified_at = models.DateTimeField(
        null=True, blank=True, editable=False, help_text="When the colleague was e-mailed."
    )

    # When the e-mail went out is bookkeeping of the sending, not a change of the rating.
    history = HistoricalRecords(excluded_fields=["notified_at"])
    objects = StakeholderRatingQuerySet.as_manager()

    class Meta:
        ordering = ["review", "function", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["review", "rater"],
                name="stakeholder_rating_once_per_review",
                violation_error_message="This colleague has already been asked for this review.",
            ),
            *_rating_constraints("stakeholder"),
        ]

    def __str__(self):
        name = self.rater.get_full_name() or self.rater.username
        return f"{name} ({self.get_function_display()}) on {self.review}"

    def save(self, *args, **kwargs):
        if (
            self.review_id
            and BusinessReview.objects.filter(pk=self.review_id, signature__isnull=False).exists()
        ):
            raise ReviewLocked(self.review)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("reviews:stakeholderrating_answer", args=[self.pk])

    def delete(self, *args, **kwargs):
        if self.review.is_signed:
            raise ReviewLocked(self.review)
        return super().delete(*args, **kwargs)

    def ratings(self) -> dict[str, int | None]:
        return {d: getattr(self, d) for d in DIMENSIONS}


# --- Action items ----------------------------------------------------------------------------


class ActionItemQuerySet(CmoScopedQuerySet):
    cmo_path = "review__cmo"

    def open(self):
        return self.filter(status__in=ActionItem.OPEN_STATUSES)

    def overdue(self, today):
        return self.open().filter(due_date__lt=today)

    def carried_into(self, review):
        """The open actions raised by earlier reviews of the same CMO: they stay on every
        later review until closed. "Earlier" is by period, then by creation."""
        return (
            self.open()
            .filter(review__cmo_id=review.cmo_id)
            .filter(
                Q(review__period__lt=review.period)
                | Q(review__period=review.period, review__pk__lt=review.pk or 0)
            )
            .exclude(review_id=review.pk)
        )


class ActionItem(models.Model):
    """Something agreed in a review that someone must do by a date. It belongs to the
    review that raised it and is carried into the CMO's later reviews until closed."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        DONE = "done", "Done"
        CANCELLED = "cancelled", "Cancelled"

    OPEN_STATUSES = (Status.OPEN, Status.IN_PROGRESS)

    review = models.ForeignKey(
        BusinessReview,
        on_delete=models.PROTECT,
        related_name="action_items",
        verbose_name="raised in",
    )
    description = models.TextField()
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="review_actions",
        help_text="Who in the company follows it up.",
    )
    owner_at_cmo = models.CharField(
        "owner at the CMO", max_length=120, blank=True, help_text="When the CMO must act."
    )
    due_date = models.DateField()
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    closed_on = models.DateField(null=True, blank=True)
    resolution = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ActionItemQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["done", "cancelled"], closed_on__isnull=False)
                | Q(status__in=["open", "in_progress"], closed_on__isnull=True),
                name="action_closed_on_iff_closed",
                violation_error_message="A closed action has a closing date; an open one none.",
            ),
        ]
        indexes = [models.Index(fields=["status", "due_date"], name="action_status_due")]

    def __str__(self):
        text = self.description if len(self.description) <= 60 else self.description[:57] + "…"
        return text

    def get_absolute_url(self):
        return reverse("reviews:actionitem_edit", args=[self.pk])

    @property
    def is_open(self) -> bool:
        return self.status in self.OPEN_STATUSES

    @property
    def is_overdue(self) -> bool:
        return self.is_open and self.due_date < timezone.localdate()

    def clean(self):
        closed = self.status not in self.OPEN_STATUSES
        if closed and not self.closed_on:
            self.closed_on = timezone.localdate()
        if not closed:
            self.closed_on = None


# --- Notifications ----------------------------------------------------------------------------


class ReviewNotice(models.Model):
    """An email sent about a review. The row is the claim: it is inserted before the email
    goes out, and the unique constraint lets only one run send each notice."""

    class Kind(models.TextChoices):
        DUE_SOON = "due_soon", "Due in 14 days"
        OVERDUE = "overdue", "Overdue"

    review = models.ForeignKey(BusinessReview, on_delete=models.CASCADE, related_name="notices")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    recipient = models.EmailField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(fields=["review", "kind"], name="review_notice_once"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} notice for {self.review}"
