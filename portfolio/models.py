"""Risk and oversight across the portfolio: the computed risk of every supply arrangement,
its roll-up to CMOs and products, the oversight findings, and the hand-kept risk register.

Everything but the register and the settings is written by `services.risk_recompute`;
nobody edits it by hand.
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from simple_history.models import HistoricalRecords

from portfolio import risk
from suppliers.models import Cmo, Product, Site, SupplyStage
from suppliers.scoping import CmoScopedQuerySet

ONE_TO_FIVE = [MinValueValidator(1), MaxValueValidator(5)]


class RiskLevel(models.TextChoices):
    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"
    CRITICAL = "critical", "Critical"


class Severity(models.TextChoices):
    CRITICAL = "critical", "Critical"
    HIGH = "high", "High"
    MEDIUM = "medium", "Medium"
    LOW = "low", "Low"


class RiskSettings(models.Model):
    """The weights and cut-offs of the risk model, one row, editable in the admin.

    `overrides` holds only what differs from the documented defaults
    (`portfolio.risk.DEFAULT_WEIGHTS`, explained in docs/risk.md), e.g.
    `{"likelihood": {"single_source": 3}, "levels": {"high": 12}}`."""

    overrides = models.JSONField(
        default=dict,
        blank=True,
        help_text="Weights and cut-offs that differ from the defaults in docs/risk.md.",
    )
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()

    class Meta:
        verbose_name = "risk model settings"
        verbose_name_plural = "risk model settings"
        constraints = [
            models.CheckConstraint(condition=Q(pk=1), name="risksettings_singleton"),
        ]

    def __str__(self):
        return "Risk model settings"

    def save(self, *args, **kwargs):
        self.pk = 1
        super().save(*args, **kwargs)

    def clean(self):
        if not isinstance(self.overrides, dict):
            raise ValidationError({"overrides": "Give an object of weights, or {}."})
        wrong = risk.unknown_keys(self.overrides)
        if wrong:
            raise ValidationError(
                {"overrides": f"Unknown key or not a number: {', '.join(wrong)}."}
            )

    @classmethod
    def weights(cls) -> dict:
        """The weights in force: the defaults with the stored overrides laid over them."""
        row = cls.objects.filter(pk=1).only("overrides").first()
        return risk.merged_weights(row.overrides if row else None)


class RiskScoreQuerySet(CmoScopedQuerySet):
    cmo_path = "cmo"


class RiskScore(models.Model):
    """The computed risk of one supply arrangement — a product's stage at a site — on a
    5 × 5 scale, with the reasons for its likelihood and its impact."""

    stage = models.OneToOneField(SupplyStage, on_delete=models.CASCADE, related_name="risk")
    cmo = models.ForeignKey(
        Cmo, on_delete=models.CASCADE, related_name="risk_scores", verbose_name="CMO"
    )
    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="risk_scores")
    likelihood = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE)
    impact = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE)
    score = models.PositiveSmallIntegerField(help_text="Likelihood × impact, 1–25.")
    level = models.CharField(max_length=10, choices=RiskLevel.choices)
    likelihood_reasons = models.JSONField(default=list)
    impact_reasons = models.JSONField(default=list)
    utilisation = models.FloatField(null=True, blank=True)
    computed = models.DateTimeField()

    objects = RiskScoreQuerySet.as_manager()

    class Meta:
        verbose_name = "arrangement risk"
        verbose_name_plural = "arrangement risks"
        ordering = ["-score", "-likelihood", "stage_id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="riskscore_one_to_five",
            ),
        ]
        indexes = [models.Index(fields=["level", "-score"], name="riskscore_level_score")]

    def __str__(self):
        return f"{self.stage}: {self.get_level_display()} ({self.likelihood}×{self.impact})"

    def get_absolute_url(self):
        return reverse("portfolio:supply_chain", args=[self.product_id])

    @property
    def reasons(self) -> list[str]:
        return [*self.likelihood_reasons, *self.impact_reasons]


class CmoRiskQuerySet(CmoScopedQuerySet):
    cmo_path = "cmo"


class CmoRisk(models.Model):
    """A CMO's risk rolled up from its arrangements (its worst one and a count by level)
    and the oversight tier that follows, with the reasons for it."""

    cmo = models.OneToOneField(Cmo, on_delete=models.CASCADE, related_name="risk")
    worst_stage = models.ForeignKey(
        SupplyStage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    worst_score = models.PositiveSmallIntegerField(null=True, blank=True)
    worst_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    level_counts = models.JSONField(default=dict, help_text="Arrangements per risk level.")
    tier = models.CharField(max_length=10, choices=Cmo.OversightTier.choices)
    base_tier = models.CharField(
        max_length=10,
        choices=Cmo.OversightTier.choices,
        help_text="The tier before any escalation for red scorecards.",
    )
    tier_reasons = models.JSONField(default=list)
    red_quarters = models.PositiveSmallIntegerField(
        default=0, help_text="Quarters in a row, up to the latest, with a red scorecard."
    )
    escalated_for = models.DateField(
        null=True,
        blank=True,
        help_text="The latest red quarter of an escalation, so that it is acted on once.",
    )
    computed = models.DateTimeField()

    objects = CmoRiskQuerySet.as_manager()

    class Meta:
        verbose_name = "CMO risk"
        verbose_name_plural = "CMO risks"
        ordering = ["-worst_score", "cmo__name"]

    def __str__(self):
        return f"{self.cmo}: {self.get_tier_display()}"

    def get_absolute_url(self):
        return reverse("portfolio:cmo_oversight", args=[self.cmo_id])

    @property
    def is_escalated(self) -> bool:
        return self.tier != self.base_tier or self.red_quarters >= 2


class ProductRisk(models.Model):
    """A product's risk — its riskiest stage — and the shape of its supply chain."""

    product = models.OneToOneField(Product, on_delete=models.CASCADE, related_name="risk")
    riskiest_stage = models.ForeignKey(
        SupplyStage, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    worst_score = models.PositiveSmallIntegerField(null=True, blank=True)
    worst_level = models.CharField(max_length=10, choices=RiskLevel.choices, blank=True)
    bottleneck_step = models.CharField(max_length=40, blank=True)
    bottleneck_utilisation = models.FloatField(null=True, blank=True)
    lead_time_days = models.PositiveIntegerField(
        "end-to-end lead time (days)", null=True, blank=True
    )
    computed = models.DateTimeField()

    class Meta:
        verbose_name = "product risk"
        ordering = ["-worst_score", "product__code"]

    def __str__(self):
        return f"{self.product}: {self.worst_level or 'no supply chain'}"

    def get_absolute_url(self):
        return reverse("portfolio:supply_chain", args=[self.product_id])


class OversightFindingQuerySet(CmoScopedQuerySet):
    cmo_path = "cmo"


class OversightFinding(models.Model):
    """A place where the way a CMO is managed does not match its tier, its sourcing
    objective or its supply chain, with a link to where it is fixed."""

    class Kind(models.TextChoices):
        STAFFING_GAP = "staffing_gap", "Staffing gap"
        OBJECTIVE_COST = "objective_cost", "Cost objective not served"
        OBJECTIVE_RISK = "objective_risk", "Risk objective not served"
        NO_QUALITY_AGREEMENT = "no_quality_agreement", "No quality agreement"
        AUDIT_OVERDUE = "audit_overdue", "Audit overdue"
        HIGH_UTILISATION = "high_utilisation", "High utilisation"
        BOTTLENECK = "bottleneck", "Bottleneck"
        PHASE_ROLES = "phase_roles", "Roles missing for commercial supply"
        UNDER_RESOURCED = "under_resourced", "Product under-resourced"

    key = models.CharField(max_length=120, unique=True)
    cmo = models.ForeignKey(
        Cmo, on_delete=models.CASCADE, related_name="oversight_findings", verbose_name="CMO"
    )
    kind = models.CharField(max_length=30, choices=Kind.choices)
    severity = models.CharField(max_length=10, choices=Severity.choices)
    severity_rank = models.PositiveSmallIntegerField(help_text="0 = most severe, for sorting.")
    message = models.CharField(max_length=500)
    fix_url = models.CharField(max_length=300)
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    site = models.ForeignKey(
        Site, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    stage = models.ForeignKey(
        SupplyStage, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    first_seen = models.DateTimeField(help_text="When the recompute first raised it.")
    computed = models.DateTimeField()

    objects = OversightFindingQuerySet.as_manager()

    class Meta:
        verbose_name = "oversight finding"
        ordering = ["severity_rank", "cmo__name", "kind"]
        indexes = [models.Index(fields=["severity_rank", "kind"], name="finding_severity_kind")]

    def __str__(self):
        return f"{self.cmo}: {self.message}"

    def get_absolute_url(self):
        return reverse("portfolio:cmo_oversight", args=[self.cmo_id])


class RegisteredRiskQuerySet(CmoScopedQuerySet):
    cmo_path = "cmo"


class RegisteredRisk(models.Model):
    """A risk entered by hand in the risk register — one the data cannot see (a political
    event, a key person leaving) — with its owner, mitigation and next review."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MITIGATING = "mitigating", "Being mitigated"
        ACCEPTED = "accepted", "Accepted"
        CLOSED = "closed", "Closed"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    cmo = models.ForeignKey(
        Cmo,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="registered_risks",
        verbose_name="CMO",
    )
    product = models.ForeignKey(
        Product, on_delete=models.CASCADE, null=True, blank=True, related_name="registered_risks"
    )
    likelihood = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE, help_text="1–5")
    impact = models.PositiveSmallIntegerField(validators=ONE_TO_FIVE, help_text="1–5")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    mitigation = models.TextField(blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.OPEN)
    review_date = models.DateField(null=True, blank=True, help_text="When it is next reviewed.")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = RegisteredRiskQuerySet.as_manager()

    class Meta:
        verbose_name = "risk register entry"
        verbose_name_plural = "risk register entries"
        ordering = ["status", "-likelihood", "-impact", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(cmo__isnull=False) | Q(product__isnull=False),
                name="registeredrisk_cmo_or_product",
                violation_error_message="Say which CMO or product the risk concerns.",
            ),
            models.CheckConstraint(
                condition=Q(likelihood__gte=1, likelihood__lte=5, impact__gte=1, impact__lte=5),
                name="registeredrisk_one_to_five",
                violation_error_message="Likelihood and impact are between 1 and 5.",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("portfolio:registeredrisk_detail", args=[self.pk])

    def clean(self):
        if not self.cmo_id and not self.product_id:
            raise ValidationError("Say which CMO or product the risk concerns.")

    @property
    def score(self) -> int:
        return self.likelihood * self.impact

    @property
    def level(self) -> str:
        return risk.level(self.likelihood, self.impact)

    def get_level_display(self) -> str:
        return RiskLevel(self.level).label
