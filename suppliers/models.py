"""Contract manufacturers, their sites and audits, and the products they make."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q, Sum
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from suppliers.scoping import CmoScopedQuerySet

PERCENT = [MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))]


class Capability(models.Model):
    """A manufacturing or testing capability a CMO or site offers (e.g. sterile fill/finish)."""

    name = models.CharField(max_length=80, unique=True)
    description = models.CharField(max_length=250, blank=True)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "capabilities"

    def __str__(self):
        return self.name


class CmoQuerySet(CmoScopedQuerySet):
    cmo_path = ""

    def active(self):
        return self.filter(status__in=Cmo.ACTIVE_STATUSES)


class Cmo(models.Model):
    """A contract manufacturing organisation: a supplier that makes or tests our products."""

    class Status(models.TextChoices):
        PROSPECT = "prospect", "Prospect"
        QUALIFYING = "qualifying", "Qualifying"
        APPROVED = "approved", "Approved"
        CONDITIONAL = "conditional", "Conditionally approved"
        DISQUALIFIED = "disqualified", "Disqualified"
        INACTIVE = "inactive", "Inactive"

    class SourcingObjective(models.TextChoices):
        COST = "cost", "Lower cost"
        RISK = "risk", "Mitigate execution risk"
        CAPACITY = "capacity", "Free internal capacity"
        CAPABILITY = "capability", "Gain a capability"

    class ReviewCadence(models.TextChoices):
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        SEMIANNUAL = "semiannual", "Semiannual"

    class OversightTier(models.TextChoices):
        INTENSIVE = "intensive", "Intensive"
        ACTIVE = "active", "Active"
        MONITOR = "monitor", "Monitor"

    ACTIVE_STATUSES = (Status.QUALIFYING, Status.APPROVED, Status.CONDITIONAL)

    name = models.CharField(max_length=200)
    country = models.CharField(max_length=100, help_text="Country of the head office.")
    status = models.CharField(
        "lifecycle status", max_length=20, choices=Status.choices, default=Status.PROSPECT
    )
    capabilities = models.ManyToManyField(Capability, blank=True, related_name="cmos")
    annual_spend = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Expected spend per year, in the company currency.",
    )
    sourcing_objective = models.CharField(
        "strategic sourcing objective",
        max_length=20,
        choices=SourcingObjective.choices,
        help_text="Why this work was outsourced; the oversight must serve it.",
    )
    sourcing_rationale = models.TextField(blank=True)
    relationship_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_cmos",
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
    # Written by the risk model in `portfolio` so that the apps below it (the review
    # scheduler in `kpis`) can read the tier without importing it.
    oversight_tier = models.CharField(
        max_length=10,
        choices=OversightTier.choices,
        blank=True,
        help_text="How intensively the relationship must be managed; computed from its risk.",
    )
    review_cadence = models.CharField(
        max_length=12,
        choices=ReviewCadence.choices,
        default=ReviewCadence.QUARTERLY,
        help_text="How often business reviews are scheduled; follows the oversight tier.",
    )
    notes = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[capabilities])
    objects = CmoQuerySet.as_manager()

    class Meta:
        verbose_name = "CMO"
        verbose_name_plural = "CMOs"
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(
                Lower("name"),
                name="cmo_name_unique_ci",
                violation_error_message="A CMO with this name already exists.",
            ),
        ]
        permissions = [("manage_all_cmos", "Can change the records of every CMO")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("suppliers:cmo_detail", args=[self.pk])

    @property
    def is_active(self) -> bool:
        return self.status in self.ACTIVE_STATUSES


class SiteQuerySet(CmoScopedQuerySet):
    cmo_path = "cmo"


class Site(models.Model):
    """A manufacturing or testing facility of a CMO, with its own regulatory history."""

    class Qualification(models.TextChoices):
        NOT_QUALIFIED = "not_qualified", "Not qualified"
        IN_QUALIFICATION = "in_qualification", "In qualification"
        QUALIFIED = "qualified", "Qualified"
        SUSPENDED = "suspended", "Suspended"
        DISQUALIFIED = "disqualified", "Disqualified"

    class Agency(models.TextChoices):
        FDA = "fda", "FDA"
        EMA = "ema", "EMA / EU national authority"
        MHRA = "mhra", "MHRA"
        PMDA = "pmda", "PMDA"
        OTHER = "other", "Other"

    class InspectionOutcome(models.TextChoices):
        NAI = "nai", "No action indicated"
        VAI = "vai", "Voluntary action indicated"
        OAI = "oai", "Official action indicated"

    cmo = models.ForeignKey(Cmo, on_delete=models.CASCADE, related_name="sites", verbose_name="CMO")
    name = models.CharField(max_length=200)
    address = models.TextField(blank=True)
    country = models.CharField(max_length=100)
    capabilities = models.ManyToManyField(Capability, blank=True, related_name="sites")
    qualification_status = models.CharField(
        max_length=20, choices=Qualification.choices, default=Qualification.NOT_QUALIFIED
    )
    last_inspection_date = models.DateField("last regulatory inspection", null=True, blank=True)
    last_inspection_agency = models.CharField(
        "inspecting agency", max_length=10, choices=Agency.choices, blank=True
    )
    last_inspection_outcome = models.CharField(
        "inspection outcome", max_length=10, choices=InspectionOutcome.choices, blank=True
    )
    open_483 = models.BooleanField("open FDA 483", default=False)
    open_warning_letter = models.BooleanField("open warning letter", default=False)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[capabilities])
    objects = SiteQuerySet.as_manager()

    class Meta:
        ordering = ["cmo__name", "name"]
        constraints = [
            models.UniqueConstraint(
                "cmo",
                Lower("name"),
                name="site_name_unique_per_cmo",
                violation_error_message="This CMO already has a site with this name.",
            ),
        ]

    def __str__(self):
        return f"{self.cmo.name} — {self.name}"

    def get_absolute_url(self):
        return reverse("suppliers:site_detail", args=[self.pk])

    def clean(self):
        if self.last_inspection_date and not self.last_inspection_agency:
            raise ValidationError(
                {"last_inspection_agency": "Say which agency inspected the site."}
            )


class AuditQuerySet(CmoScopedQuerySet):
    cmo_path = "site__cmo"


class Audit(models.Model):
    """Our audit of a CMO site: qualification, routine or for cause."""

    class Type(models.TextChoices):
        QUALIFICATION = "qualification", "Qualification"
        ROUTINE = "routine", "Routine"
        FOR_CAUSE = "for_cause", "For cause"

    class Outcome(models.TextChoices):
        PLANNED = "planned", "Planned"
        ACCEPTABLE = "acceptable", "Acceptable"
        CONDITIONAL = "conditional", "Acceptable with conditions"
        UNACCEPTABLE = "unacceptable", "Unacceptable"

    site = models.ForeignKey(Site, on_delete=models.CASCADE, related_name="audits")
    audit_date = models.DateField()
    audit_type = models.CharField(max_length=20, choices=Type.choices, default=Type.ROUTINE)
    lead_auditor = models.CharField(max_length=120)
    outcome = models.CharField(max_length=20, choices=Outcome.choices, default=Outcome.PLANNED)
    next_due_date = models.DateField(
        null=True, blank=True, help_text="When the next audit of this site is due."
    )
    summary = models.TextField(blank=True)

    history = HistoricalRecords()
    objects = AuditQuerySet.as_manager()

    class Meta:
        ordering = ["-audit_date"]
        constraints = [
            models.CheckConstraint(
                condition=Q(next_due_date__isnull=True)
                | Q(next_due_date__gt=models.F("audit_date")),
                name="audit_next_due_after_audit",
                violation_error_message="The next audit must be due after this one.",
            ),
        ]

    def __str__(self):
        return f"{self.get_audit_type_display()} audit of {self.site} on {self.audit_date:%d %b %Y}"

    def get_absolute_url(self):
        return reverse("suppliers:audit_detail", args=[self.pk])

    def clean(self):
        if self.next_due_date and self.audit_date and self.next_due_date <= self.audit_date:
            raise ValidationError({"next_due_date": "The next audit must be due after this one."})


class AuditFindingQuerySet(CmoScopedQuerySet):
    cmo_path = "audit__site__cmo"


class AuditFinding(models.Model):
    """An observation raised in an audit, classified by severity."""

    class Classification(models.TextChoices):
        CRITICAL = "critical", "Critical"
        MAJOR = "major", "Major"
        MINOR = "minor", "Minor"

    audit = models.ForeignKey(Audit, on_delete=models.CASCADE, related_name="findings")
    classification = models.CharField(max_length=10, choices=Classification.choices)
    reference = models.CharField(max_length=40, blank=True)
    description = models.TextField()

    history = HistoricalRecords()
    objects = AuditFindingQuerySet.as_manager()

    class Meta:
        ordering = ["audit", "classification", "pk"]

    def __str__(self):
        return f"{self.get_classification_display()} finding {self.reference or self.pk}"

    def get_absolute_url(self):
        return self.audit.get_absolute_url()


class CapaQuerySet(CmoScopedQuerySet):
    cmo_path = "finding__audit__site__cmo"

    def open(self):
        return self.exclude(status__in=[Capa.Status.CLOSED, Capa.Status.CANCELLED])


class Capa(models.Model):
    """A corrective and preventive action opened for an audit finding."""

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        IN_PROGRESS = "in_progress", "In progress"
        CLOSED = "closed", "Closed"
        CANCELLED = "cancelled", "Cancelled"

    finding = models.ForeignKey(AuditFinding, on_delete=models.CASCADE, related_name="capas")
    description = models.TextField()
    owner = models.CharField(max_length=120, help_text="Who at the CMO or here owns the action.")
    due_date = models.DateField()
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.OPEN)
    closed_date = models.DateField(null=True, blank=True)

    history = HistoricalRecords()
    objects = CapaQuerySet.as_manager()

    class Meta:
        verbose_name = "CAPA"
        verbose_name_plural = "CAPAs"
        ordering = ["due_date", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status="closed", closed_date__isnull=False)
                | (~Q(status="closed") & Q(closed_date__isnull=True)),
                name="capa_closed_date_iff_closed",
                violation_error_message="A closed CAPA needs a closed date, and only a closed one.",
            ),
        ]

    def __str__(self):
        return f"CAPA {self.pk}: {self.description[:60]}"

    def get_absolute_url(self):
        return self.finding.audit.get_absolute_url()

    @property
    def is_overdue(self) -> bool:
        return self.status in (self.Status.OPEN, self.Status.IN_PROGRESS) and (
            self.due_date < timezone.localdate()
        )

    def clean(self):
        if self.status == self.Status.CLOSED and not self.closed_date:
            raise ValidationError({"closed_date": "A closed CAPA needs the date it was closed."})
        if self.status != self.Status.CLOSED and self.closed_date:
            raise ValidationError({"closed_date": "Only a closed CAPA has a closed date."})


class ProductQuerySet(CmoScopedQuerySet):
    # Products are not owned by one CMO: only roles that change all supply records may.
    cmo_path = None


class Product(models.Model):
    """Something the company sells or develops: an API, a drug substance or product, a pack."""

    class Type(models.TextChoices):
        API = "api", "API"
        DRUG_SUBSTANCE = "drug_substance", "Drug substance"
        DRUG_PRODUCT = "drug_product", "Drug product"
        FINISHED_PACK = "finished_pack", "Finished pack"

    class Phase(models.TextChoices):
        CLINICAL = "clinical", "Clinical"
        TECH_TRANSFER = "tech_transfer", "Tech transfer"
        LAUNCH = "launch", "Launch"
        COMMERCIAL = "commercial", "Commercial"
        DISCONTINUED = "discontinued", "Discontinued"

    class Criticality(models.TextChoices):
        LOW = "low", "Low — alternatives readily available"
        MEDIUM = "medium", "Medium"
        HIGH = "high", "High — few alternatives"
        CRITICAL = "critical", "Critical — life-sustaining, no alternative"

    class Stability(models.TextChoices):
        STABLE = "stable", "Stable"
        MODERATE = "moderate", "Moderately stable"
        UNSTABLE = "unstable", "Unstable"

    class Availability(models.TextChoices):
        READILY_AVAILABLE = "readily_available", "Readily available"
        LIMITED = "limited", "Limited"
        SINGLE_SOURCE = "single_source", "Single source"

    code = models.CharField(max_length=30, unique=True)
    name = models.CharField(max_length=200)
    product_type = models.CharField("type", max_length=20, choices=Type.choices)
    lifecycle_phase = models.CharField(max_length=20, choices=Phase.choices)
    patient_criticality = models.CharField(
        max_length=10, choices=Criticality.choices, default=Criticality.MEDIUM
    )
    manufacturing_lead_time_days = models.PositiveIntegerField(
        "manufacturing lead time (days)", validators=[MinValueValidator(1)]
    )
    unit_cost = models.DecimalField(
        max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0"))]
    )
    api_stability = models.CharField(
        "API stability class", max_length=10, choices=Stability.choices, default=Stability.STABLE
    )
    market_availability = models.CharField(
        max_length=20, choices=Availability.choices, default=Availability.READILY_AVAILABLE
    )
    annual_demand = models.PositiveIntegerField(help_text="Units needed per year.")
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["code"]

    def __str__(self):
        return f"{self.code} {self.name}"

    def get_absolute_url(self):
        return reverse("suppliers:product_detail", args=[self.pk])


class SupplyStageQuerySet(CmoScopedQuerySet):
    cmo_path = "site__cmo"


class SupplyStage(models.Model):
    """One step of a product's supply chain, performed at a CMO site."""

    class Step(models.TextChoices):
        API_SYNTHESIS = "api_synthesis", "API synthesis"
        DRUG_SUBSTANCE = "drug_substance", "Drug substance"
        FORMULATION = "formulation", "Formulation"
        FILL_FINISH = "fill_finish", "Fill / finish"
        PACKAGING = "packaging", "Packaging"
        TESTING = "testing", "Testing"
        DISTRIBUTION = "distribution", "Distribution"

    # The position of each step in a chain; the product page lists stages in this order.
    STEP_ORDER = {step: i for i, step in enumerate(Step.values, start=1)}

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="supply_stages")
    site = models.ForeignKey(Site, on_delete=models.PROTECT, related_name="supply_stages")
    step = models.CharField(max_length=20, choices=Step.choices)
    sequence = models.PositiveSmallIntegerField(
        blank=True,
        help_text="Position of the step in the chain (1 = first); defaults from the step.",
    )
    capacity_per_year = models.PositiveIntegerField(help_text="Units the site can make per year.")
    lead_time_days = models.PositiveIntegerField("lead time (days)")
    volume_share = models.DecimalField(
        "share of volume (%)",
        max_digits=5,
        decimal_places=2,
        default=Decimal("100"),
        validators=PERCENT,
    )
    is_qualified_backup = models.BooleanField("qualified backup", default=False)

    history = HistoricalRecords()
    objects = SupplyStageQuerySet.as_manager()

    class Meta:
        ordering = ["product", "sequence", "-volume_share"]
        constraints = [
            models.UniqueConstraint(
                fields=["product", "step", "site"],
                name="stage_unique_per_product_step_site",
                violation_error_message="This site already performs this step for the product.",
            ),
            models.CheckConstraint(
                condition=Q(volume_share__gte=0) & Q(volume_share__lte=100),
                name="stage_volume_share_percent",
                violation_error_message="The share of volume is a percentage between 0 and 100.",
            ),
        ]

    def __str__(self):
        return f"{self.product.code} · {self.get_step_display()} at {self.site}"

    def save(self, *args, **kwargs):
        if not self.sequence:
            self.sequence = self.STEP_ORDER[self.step]
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("suppliers:product_detail", args=[self.product_id])

    def clean(self):
        errors = {}
        if self.site_id and self.site.cmo.status == Cmo.Status.DISQUALIFIED:
            errors["site"] = f"{self.site.cmo} is disqualified: it cannot take a supply stage."
        if self.product_id and self.step and self.volume_share is not None:
            others = SupplyStage.objects.filter(product_id=self.product_id, step=self.step).exclude(
                pk=self.pk
            ).aggregate(total=Sum("volume_share"))["total"] or Decimal("0")
            if others + self.volume_share > 100:
                total = others + self.volume_share
                errors["volume_share"] = (
                    f"Other sites already take {float(others):g} % of this step; "
                    f"the shares would add up to {float(total):g} %, over 100 %."
                )
        if errors:
            raise ValidationError(errors)

    @property
    def utilisation(self) -> float | None:
        """Share of this stage's capacity that its part of the demand needs (0.9 = 90 %)."""
        if not self.capacity_per_year:
            return None
        demand = self.product.annual_demand * float(self.volume_share) / 100
        return demand / self.capacity_per_year
