"""KPI definitions, the measurements recorded against them and the quarterly scorecards
computed from those measurements."""

from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from simple_history.models import HistoricalRecords

from kpis.periods import is_quarter_start, quarter_label, quarter_slug
from suppliers.models import Cmo, Product, Site
from suppliers.scoping import CmoScopedQuerySet

PERCENT_UNIT = "%"


class KpiDefinitionQuerySet(CmoScopedQuerySet):
    # A definition belongs to no single CMO: only roles that manage all CMOs change it.
    cmo_path = None

    def active(self):
        return self.filter(is_active=True)


class KpiDefinition(models.Model):
    """A key performance indicator on which every CMO is assessed, with its target and the
    thresholds at which it turns amber and red."""

    class Category(models.TextChoices):
        QUALITY = "quality", "Quality"
        DELIVERY = "delivery", "Delivery"
        COST = "cost", "Cost"
        COMPLIANCE = "compliance", "Compliance"
        RESPONSIVENESS = "responsiveness", "Responsiveness"
        RELATIONSHIP = "relationship", "Relationship"

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    class Rollup(models.TextChoices):
        MEAN = "mean", "Mean of the values"
        SUM = "sum", "Sum of the values"
        LAST = "last", "Last value of the quarter"

    code = models.SlugField(max_length=30, unique=True, help_text="Short code used in imports.")
    name = models.CharField(max_length=120)
    category = models.CharField(max_length=20, choices=Category.choices)
    unit = models.CharField(max_length=20, help_text="“%” values must lie between 0 and 100.")
    direction = models.CharField(max_length=10, choices=Direction.choices)
    target = models.DecimalField(max_digits=14, decimal_places=4)
    amber_threshold = models.DecimalField(
        max_digits=14, decimal_places=4, help_text="At this value the KPI turns amber."
    )
    red_threshold = models.DecimalField(
        max_digits=14, decimal_places=4, help_text="At this value the KPI turns red."
    )
    default_weight = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        default=Decimal("10"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Relative weight in the overall score; weights are normalised to 100.",
    )
    rollup = models.CharField(
        "quarterly roll-up",
        max_length=10,
        choices=Rollup.choices,
        default=Rollup.MEAN,
        help_text="How several values of a quarter (months, sites, products) combine.",
    )
    measurement = models.TextField("how it is measured", blank=True)
    is_active = models.BooleanField(
        "in use", default=True, help_text="Only KPIs in use appear on new scorecards."
    )
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords()
    objects = KpiDefinitionQuerySet.as_manager()

    class Meta:
        verbose_name = "KPI definition"
        ordering = ["category", "code"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(
                        direction="higher",
                        target__gte=F("amber_threshold"),
                        amber_threshold__gte=F("red_threshold"),
                    )
                    | Q(
                        direction="lower",
                        target__lte=F("amber_threshold"),
                        amber_threshold__lte=F("red_threshold"),
                    )
                ),
                name="kpi_thresholds_ordered",
                violation_error_message=(
                    "Target, amber and red thresholds must run from best to worst "
                    "in the KPI's direction."
                ),
            ),
            models.CheckConstraint(
                condition=Q(default_weight__gte=0),
                name="kpi_default_weight_not_negative",
                violation_error_message="A weight cannot be negative.",
            ),
        ]
        permissions = [("import_measurements", "Can import KPI measurements")]

    def __str__(self):
        return f"{self.name} ({self.code})"

    def get_absolute_url(self):
        return reverse("kpis:kpidefinition_detail", args=[self.pk])

    @property
    def is_percentage(self) -> bool:
        return self.unit.strip() == PERCENT_UNIT

    def clean(self):
        if None in (self.target, self.amber_threshold, self.red_threshold):
            return
        values = (self.target, self.amber_threshold, self.red_threshold)
        ordered = sorted(values, reverse=self.direction == self.Direction.HIGHER)
        if list(values) != ordered:
            better = "above" if self.direction == self.Direction.HIGHER else "below"
            raise ValidationError(
                {
                    "amber_threshold": "The target must be at or "
                    f"{better} the amber threshold, and the amber threshold at or "
                    f"{better} the red threshold."
                }
            )


class CmoKpiQuerySet(CmoScopedQuerySet):
    cmo_path = "cmo"


class CmoKpi(models.Model):
    """Whether a KPI applies to one CMO, and the weight it carries there when it differs
    from the KPI's default weight."""

    cmo = models.ForeignKey(
        Cmo, on_delete=models.CASCADE, related_name="kpi_settings", verbose_name="CMO"
    )
    kpi = models.ForeignKey(
        KpiDefinition, on_delete=models.CASCADE, related_name="cmo_settings", verbose_name="KPI"
    )
    applies = models.BooleanField(default=True)
    weight = models.DecimalField(
        max_digits=6,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text="Empty: the KPI's default weight.",
    )

    history = HistoricalRecords()
    objects = CmoKpiQuerySet.as_manager()

    class Meta:
        verbose_name = "KPI of a CMO"
        verbose_name_plural = "KPIs of CMOs"
        ordering = ["cmo", "kpi"]
        constraints = [
            models.UniqueConstraint(
                fields=["cmo", "kpi"],
                name="cmokpi_unique",
                violation_error_message="This KPI is already set for the CMO.",
            ),
            models.CheckConstraint(
                condition=Q(weight__isnull=True) | Q(weight__gte=0),
                name="cmokpi_weight_not_negative",
                violation_error_message="A weight cannot be negative.",
            ),
        ]

    def __str__(self):
        return f"{self.kpi.code} for {self.cmo}"


class MeasurementQuerySet(CmoScopedQuerySet):
    cmo_path = "cmo"


class Measurement(models.Model):
    """One value of a KPI for a CMO (optionally one of its sites or one product) in a
    quarter, or in one month of it."""

    class Source(models.TextChoices):
        MANUAL = "manual", "Manual entry"
        IMPORT = "import", "Import"
        API = "api", "API"

    # No index of its own: the unique constraint's index leads with the CMO (one index fewer
    # to maintain on a large import).
    cmo = models.ForeignKey(
        Cmo,
        on_delete=models.CASCADE,
        related_name="measurements",
        verbose_name="CMO",
        db_index=False,
    )
    # Most values are for the whole CMO: partial indexes (in Meta) skip the rows without a
    # site or product, where a full index would grow by a million entries per large import.
    site = models.ForeignKey(
        Site,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="measurements",
        db_index=False,
    )
    product = models.ForeignKey(
        Product,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="measurements",
        db_index=False,
    )
    # No index: a KPI names a twentieth of all rows, which a scan reads about as fast, and
    # an index on it would cost an import of a million rows a second.
    kpi = models.ForeignKey(
        KpiDefinition,
        on_delete=models.PROTECT,
        related_name="measurements",
        verbose_name="KPI",
        db_index=False,
    )
    period = models.DateField(help_text="First day of the quarter.")
    month = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For a monthly value: its month (1–12) in the quarter."
    )
    value = models.DecimalField(max_digits=14, decimal_places=4)
    numerator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    denominator = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    comment = models.TextField(blank=True)
    # Who entered a value is recorded as written, like the user of a history row, without a
    # database check per row (an import writes a million rows by one user, checked once) and
    # without an index (nothing looks measurements up by who entered them).
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        db_constraint=False,
        db_index=False,
    )
    updated = models.DateTimeField(auto_now=True)

    # History is read per record and per CMO; indexes on its other references would only
    # slow imports down. The user is kept as written, without a foreign-key check per row: an
    # import writes a million history rows by one user, whom the import has already checked.
    history = HistoricalRecords(
        no_db_index=["site", "product", "kpi", "entered_by"], user_db_constraint=False
    )
    objects = MeasurementQuerySet.as_manager()

    class Meta:
        ordering = ["-period", "cmo", "kpi"]
        constraints = [
            # Coalesce makes a missing site, product or month collide like any other value
            # (portable, unlike PostgreSQL's NULLS NOT DISTINCT).
            # CMO and period lead: the index also serves every read of a CMO's quarter.
            models.UniqueConstraint(
                "cmo",
                "period",
                "kpi",
                Coalesce(F("site"), Value(0)),
                Coalesce(F("product"), Value(0)),
                Coalesce(F("month"), Value(0)),
                name="measurement_unique_per_period",
                violation_error_message=(
                    "There is already a value of this KPI for this CMO, site, product and period."
                ),
            ),
            models.CheckConstraint(
                condition=Q(month__isnull=True) | Q(month__gte=1, month__lte=12),
                name="measurement_month_valid",
                violation_error_message="The month must be between 1 and 12.",
            ),
        ]
        indexes = [
            models.Index(fields=["site"], condition=Q(site__isnull=False), name="measurement_site"),
            models.Index(
                fields=["product"], condition=Q(product__isnull=False), name="measurement_product"
            ),
        ]

    def __str__(self):
        return f"{self.kpi.code} {self.period_label} {self.cmo.name}: {self.value:g}"

    def get_absolute_url(self):
        return reverse("kpis:measurement_detail", args=[self.pk])

    @property
    def scorecard_url(self) -> str:
        return reverse("kpis:scorecard_detail", args=[self.cmo_id, quarter_slug(self.period)])

    @property
    def period_label(self) -> str:
        label = quarter_label(self.period)
        if self.month:
            return f"{label} (month {self.month})"
        return label

    def clean(self):
        errors = {}
        if self.period and not is_quarter_start(self.period):
            errors["period"] = "A period is a quarter, given by its first day."
        if self.period and self.month and not 0 <= self.month - self.period.month <= 2:
            errors["month"] = f"Month {self.month} is not in {quarter_label(self.period)}."
        if self.site_id and self.cmo_id and self.site.cmo_id != self.cmo_id:
            errors["site"] = "The site belongs to another CMO."
        percentage = self.kpi_id and self.value is not None and self.kpi.is_percentage
        if percentage and not 0 <= self.value <= 100:
            errors["value"] = "A percentage lies between 0 and 100."
        if (
            self.numerator is not None
            and self.denominator is not None
            and self.denominator == 0
            and self.numerator != 0
        ):
            errors["denominator"] = "The denominator cannot be zero."
        if errors:
            raise ValidationError(errors)


class ScoringBasis(models.Model):
    """The KPI definitions, targets, thresholds and weights a scorecard was computed with,
    frozen: a later change of a target or weight does not rewrite past scorecards.

    Bases are shared by content (`digest`), so a portfolio on the standard weights holds
    one basis, not one per scorecard."""

    digest = models.CharField(max_length=64, unique=True)
    kpis = models.JSONField(help_text="One entry per KPI that applies, with its weight.")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "scoring basis"
        verbose_name_plural = "scoring bases"

    def __str__(self):
        return f"Scoring basis {self.digest[:8]}"


class ScorecardQuerySet(CmoScopedQuerySet):
    cmo_path = "cmo"


class Scorecard(models.Model):
    """The weighted roll-up of a CMO's KPIs for one quarter, 0–100, with a red, amber or
    green status and the share of the weight that was actually measured."""

    class Status(models.TextChoices):
        GREEN = "green", "Green"
        AMBER = "amber", "Amber"
        RED = "red", "Red"
        NONE = "none", "No score"

    cmo = models.ForeignKey(
        Cmo, on_delete=models.CASCADE, related_name="scorecards", verbose_name="CMO"
    )
    period = models.DateField(help_text="First day of the quarter.")
    basis = models.ForeignKey(ScoringBasis, on_delete=models.PROTECT, related_name="scorecards")
    score = models.FloatField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.NONE)
    completeness = models.FloatField(
        null=True, blank=True, help_text="Share of the weight that was measured, in %."
    )
    measured_count = models.PositiveSmallIntegerField(default=0)
    kpi_count = models.PositiveSmallIntegerField(default=0)
    delta = models.FloatField(
        "change from the previous quarter", null=True, blank=True, help_text="In points."
    )
    lines = models.JSONField(
        default=dict, help_text="Per measured KPI code: [quarter value, score 0–100]."
    )
    is_latest = models.BooleanField(default=False, help_text="The CMO's most recent scorecard.")
    computed = models.DateTimeField(auto_now=True)

    objects = ScorecardQuerySet.as_manager()

    class Meta:
        ordering = ["cmo", "-period"]
        constraints = [
            models.UniqueConstraint(fields=["cmo", "period"], name="scorecard_unique_per_quarter"),
        ]
        indexes = [models.Index(fields=["is_latest", "status"], name="scorecard_latest_status")]

    def __str__(self):
        return f"{self.cmo} {self.period_label}"

    def get_absolute_url(self):
        return reverse("kpis:scorecard_detail", args=[self.cmo_id, quarter_slug(self.period)])

    @property
    def period_label(self) -> str:
        return quarter_label(self.period)


class MeasurementImport(models.Model):
    """An uploaded file of measurements: validated first, then committed all at once."""

    class Status(models.TextChoices):
        VALIDATING = "validating", "Validating"
        INVALID = "invalid", "Has errors"
        READY = "ready", "Ready to import"
        IMPORTING = "importing", "Importing"
        DONE = "done", "Imported"
        FAILED = "failed", "Failed"

    file = models.FileField(upload_to="kpi-imports/%Y/%m/")
    original_name = models.CharField(max_length=255)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded = models.DateTimeField(auto_now_add=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.VALIDATING)
    task_id = models.CharField(max_length=50, blank=True)
    report = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-uploaded"]

    def __str__(self):
        return f"Import of {self.original_name}"

    def get_absolute_url(self):
        return reverse("kpis:import_detail", args=[self.pk])
