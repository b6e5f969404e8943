"""The oversight resource plan: the effort model (hours per tier and role, hours per
event), what each person can give to CMO oversight, and the products' oversight budgets
and planned phase dates."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from resourcing import effort
from suppliers.models import Product

ROLE_CHOICES = [(role, effort.ROLE_LABELS[role]) for role in effort.ROLES]
TIER_CHOICES = [(tier, effort.TIER_LABELS[tier]) for tier in effort.TIERS]
EVENT_CHOICES = list(effort.EVENT_LABELS.items())
HOURS = [MinValueValidator(Decimal("0"))]


def standard_month_hours() -> Decimal:
    return Decimal(
        str(getattr(settings, "RESOURCING_STANDARD_MONTH_HOURS", effort.STANDARD_MONTH_HOURS))
    )


class EffortRate(models.Model):
    """How many hours per month one role spends on one CMO of an oversight tier: the
    steady part of the effort model, edited by an administrator."""

    tier = models.CharField(max_length=10, choices=TIER_CHOICES)
    role = models.CharField(max_length=30, choices=ROLE_CHOICES)
    hours_per_month = models.DecimalField(max_digits=6, decimal_places=1, validators=HOURS)

    history = HistoricalRecords()

    class Meta:
        ordering = ["tier", "role"]
        verbose_name = "effort rate"
        constraints = [
            models.UniqueConstraint(fields=["tier", "role"], name="effortrate_unique_tier_role"),
            models.CheckConstraint(
                condition=Q(hours_per_month__gte=0), name="effortrate_hours_not_negative"
            ),
        ]

    def __str__(self):
        hours = f"{self.hours_per_month:g} h/month"
        return f"{self.get_tier_display()} · {self.get_role_display()}: {hours}"


class EventEffort(models.Model):
    """How many hours one role spends on one event: a business review of a kind, a site
    audit, a contract renewal, a tech transfer."""

    event = models.CharField(max_length=30, choices=EVENT_CHOICES)
    role = models.CharField(max_length=30, choices=ROLE_CHOICES)
    hours = models.DecimalField(max_digits=6, decimal_places=1, validators=HOURS)

    history = HistoricalRecords()

    class Meta:
        ordering = ["event", "role"]
        verbose_name = "event effort"
        constraints = [
            models.UniqueConstraint(fields=["event", "role"], name="eventeffort_unique_event_role"),
            models.CheckConstraint(
                condition=Q(hours__gte=0), name="eventeffort_hours_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.get_event_display()} · {self.get_role_display()}: {self.hours:g} h"


class PersonCapacity(models.Model):
    """What a person can give to CMO oversight each month (their resourcing profile):
    a fraction of a full-time post, times a standard month, times the share of their
    time that goes to oversight."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="resourcing_capacity"
    )
    fte = models.DecimalField(
        "FTE",
        max_digits=4,
        decimal_places=2,
        default=Decimal("1.00"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1.5"))],
        help_text="Fraction of a full-time post (1.0 = full time, 0.5 = half time).",
    )
    standard_month_hours = models.DecimalField(
        max_digits=5,
        decimal_places=1,
        default=standard_month_hours,
        validators=[MinValueValidator(Decimal("1"))],
        help_text="Hours a full-time person works in a month.",
    )
    oversight_share = models.DecimalField(
        "share for CMO oversight (%)",
        max_digits=5,
        decimal_places=1,
        default=Decimal("100"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text="The part of their working time that goes to managing CMOs.",
    )
    roles = models.JSONField(
        "oversight roles",
        default=list,
        blank=True,
        help_text="The oversight roles they can take on; the CMOs they are assigned to add theirs.",
    )
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "person capacity"
        verbose_name_plural = "person capacities"
        ordering = ["user__username"]
        constraints = [
            models.CheckConstraint(
                condition=Q(fte__gte=0) & Q(fte__lte=Decimal("1.5")), name="capacity_fte_range"
            ),
            models.CheckConstraint(
                condition=Q(oversight_share__gte=0) & Q(oversight_share__lte=100),
                name="capacity_share_percent",
            ),
        ]

    def __str__(self):
        return f"{self.user}: {self.hours_per_month:g} h/month"

    def get_absolute_url(self):
        return reverse("resourcing:capacity_edit", args=[self.user_id])

    @property
    def hours_per_month(self) -> float:
        return effort.capacity_hours(self.fte, self.standard_month_hours, self.oversight_share)

    def clean(self):
        unknown = [r for r in self.roles or [] if r not in effort.ROLES]
        if unknown:
            raise ValidationError({"roles": f"Unknown roles: {', '.join(unknown)}."})


class ProductOversightBudget(models.Model):
    """The oversight budget allocated to a product for a year, in hours or in money;
    compared with what its CMOs' tiers require."""

    product = models.OneToOneField(
        Product, on_delete=models.CASCADE, related_name="oversight_budget"
    )
    hours_per_year = models.DecimalField(
        max_digits=8, decimal_places=1, null=True, blank=True, validators=HOURS
    )
    amount_per_year = models.DecimalField(
        "money per year",
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        validators=HOURS,
        help_text="Used when no hours are given, at the standard cost of an hour.",
    )
    notes = models.TextField(blank=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        ordering = ["product__code"]
        verbose_name = "product oversight budget"
        constraints = [
            models.CheckConstraint(
                condition=Q(hours_per_year__isnull=False) | Q(amount_per_year__isnull=False),
                name="budget_hours_or_money",
                violation_error_message="Give the budget in hours or in money.",
            ),
        ]

    def __str__(self):
        return f"Oversight budget of {self.product}"

    def get_absolute_url(self):
        return reverse("resourcing:budgets")

    def clean(self):
        if self.hours_per_year is None and self.amount_per_year is None:
            raise ValidationError("Give the budget in hours or in money.")


class ProductPhasePlan(models.Model):
    """A product's planned milestones (sourcing decision, commercial CMO selection and
    contract negotiation, tech transfer, launch, commercial supply), from which the hiring
    plan says which roles must be in place by when; with the people lined up for roles no
    CMO holds yet."""

    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="phase_plan")
    sourcing_decision = models.DateField("sourcing decision", null=True, blank=True)
    cmo_selection = models.DateField(
        "commercial CMO selection and contract negotiation", null=True, blank=True
    )
    tech_transfer = models.DateField("tech transfer starts", null=True, blank=True)
    launch = models.DateField(null=True, blank=True)
    commercial = models.DateField("commercial supply", null=True, blank=True)
    relationship_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    strategic_sourcing_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    technical_expert = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="technical / process expert",
    )
    quality_contact = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    MILESTONES = ("sourcing_decision", "cmo_selection", "tech_transfer", "launch", "commercial")

    class Meta:
        ordering = ["product__code"]
        verbose_name = "product phase plan"

    def __str__(self):
        return f"Phase plan of {self.product}"

    def get_absolute_url(self):
        return reverse("resourcing:hiring")

    def clean(self):
        dated = [(m, getattr(self, m)) for m in self.MILESTONES if getattr(self, m)]
        for (first, a), (second, b) in zip(dated, dated[1:], strict=False):
            if b < a:
                label = self._meta.get_field(first).verbose_name
                raise ValidationError({second: f"Planned before the {label}."})
