"""Contracts with CMOs and the obligations they carry."""

import datetime
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Case, F, Q, Value, When
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from contracts.validators import validate_signed_document
from suppliers.models import Cmo, Product
from suppliers.scoping import CmoScopedQuerySet

# A contract is "expiring" from this many days before its expiry date.
EXPIRING_WINDOW_DAYS = 90


class DateMinusDays(models.Func):
    """`date - n days` in SQL, so that lists can filter and sort on the notice date.

    PostgreSQL subtracts an integer from a date natively; SQLite (the laptop default) has
    its own date function."""

    output_field = models.DateField()
    arity = 2

    def as_sql(self, compiler, connection, **extra_context):
        (date_sql, date_params), (days_sql, days_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return f"({date_sql} - {days_sql})", (*date_params, *days_params)

    def as_sqlite(self, compiler, connection, **extra_context):
        (date_sql, date_params), (days_sql, days_params) = (
            compiler.compile(e) for e in self.get_source_expressions()
        )
        return f"date({date_sql}, '-' || {days_sql} || ' days')", (*date_params, *days_params)


class ContractQuerySet(CmoScopedQuerySet):
    cmo_path = "cmo"

    def with_status(self, today: datetime.date | None = None):
        """Annotate `current_status`, the status derived from the dates, so that lists can
        filter and sort on it in SQL."""
        today = today or timezone.localdate()
        soon = today + datetime.timedelta(days=EXPIRING_WINDOW_DAYS)
        S = Contract.Status
        return self.annotate(
            current_status=Case(
                When(
                    terminated_on__isnull=False, terminated_on__lte=today, then=Value(S.TERMINATED)
                ),
                When(Q(signed_on__isnull=True) | Q(effective_date__gt=today), then=Value(S.DRAFT)),
                When(expiry_date__lt=today, then=Value(S.EXPIRED)),
                When(expiry_date__lte=soon, then=Value(S.EXPIRING)),
                default=Value(S.ACTIVE),
                output_field=models.CharField(),
            ),
            last_notice_date=DateMinusDays("expiry_date", "notice_period_days"),
        )

    def in_force(self, today: datetime.date | None = None):
        """Contracts that bind today: active or expiring."""
        return self.with_status(today).filter(
            current_status__in=[Contract.Status.ACTIVE, Contract.Status.EXPIRING]
        )


class Contract(models.Model):
    """An agreement with a CMO: the MSA, the GMP quality agreement, a supply agreement…"""

    class Type(models.TextChoices):
        MSA = "msa", "Master services agreement"
        QUALITY = "quality", "Quality agreement"
        SUPPLY = "supply", "Supply agreement"
        TECH_TRANSFER = "tech_transfer", "Tech-transfer agreement"
        CONFIDENTIALITY = "confidentiality", "Confidentiality agreement"
        SOW = "sow", "Statement of work"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        ACTIVE = "active", "Active"
        EXPIRING = "expiring", "Expiring"
        EXPIRED = "expired", "Expired"
        TERMINATED = "terminated", "Terminated"

    class Currency(models.TextChoices):
        EUR = "EUR", "EUR"
        USD = "USD", "USD"
        GBP = "GBP", "GBP"
        CHF = "CHF", "CHF"
        JPY = "JPY", "JPY"
        CNY = "CNY", "CNY"
        INR = "INR", "INR"

    cmo = models.ForeignKey(
        Cmo, on_delete=models.PROTECT, related_name="contracts", verbose_name="CMO"
    )
    contract_type = models.CharField("type", max_length=20, choices=Type.choices)
    reference = models.CharField(max_length=50, unique=True)
    title = models.CharField(max_length=200)
    effective_date = models.DateField()
    expiry_date = models.DateField()
    signed_on = models.DateField(
        null=True, blank=True, help_text="Empty while the contract is a draft."
    )
    terminated_on = models.DateField(null=True, blank=True)
    auto_renewal = models.BooleanField(default=False)
    notice_period_days = models.PositiveIntegerField(
        "notice period (days)",
        default=90,
        help_text="Days before expiry by which notice must be given to end or renegotiate.",
    )
    value = models.DecimalField(
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    currency = models.CharField(max_length=3, choices=Currency.choices, default=Currency.EUR)
    products = models.ManyToManyField(Product, blank=True, related_name="contracts")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    document = models.FileField(
        "signed document",
        upload_to="contracts/%Y/",
        blank=True,
        validators=[validate_signed_document],
        help_text="PDF or Word (.docx), at most 20 MB.",
    )
    notes = models.TextField(blank=True)
    created = models.DateTimeField(auto_now_add=True)
    updated = models.DateTimeField(auto_now=True)

    history = HistoricalRecords(m2m_fields=[products])
    objects = ContractQuerySet.as_manager()

    class Meta:
        ordering = ["expiry_date", "reference"]
        constraints = [
            models.CheckConstraint(
                condition=Q(expiry_date__gt=F("effective_date")),
                name="contract_expiry_after_effective",
                violation_error_message="The expiry date must be after the effective date.",
            ),
        ]

    def __str__(self):
        return f"{self.reference} — {self.title}"

    def get_absolute_url(self):
        return reverse("contracts:contract_detail", args=[self.pk])

    def clean(self):
        errors = {}
        if self.effective_date and self.expiry_date and self.expiry_date <= self.effective_date:
            errors["expiry_date"] = "The expiry date must be after the effective date."
        if self.terminated_on and self.effective_date and self.terminated_on < self.effective_date:
            errors["terminated_on"] = "A contract cannot end before it takes effect."
        if errors:
            raise ValidationError(errors)

    def status_on(self, today: datetime.date | None = None) -> str:
        """The status derived from the dates (the same rule as `with_status`, in Python)."""
        today = today or timezone.localdate()
        if self.terminated_on and self.terminated_on <= today:
            return self.Status.TERMINATED
        if not self.signed_on or self.effective_date > today:
            return self.Status.DRAFT
        if self.expiry_date < today:
            return self.Status.EXPIRED
        if self.expiry_date <= today + datetime.timedelta(days=EXPIRING_WINDOW_DAYS):
            return self.Status.EXPIRING
        return self.Status.ACTIVE

    @property
    def status(self) -> str:
        return getattr(self, "current_status", None) or self.status_on()

    def get_status_display(self) -> str:
        return self.Status(self.status).label

    @property
    def open_obligations(self) -> list["Obligation"]:
        # Filtered in Python so that a prefetch of `obligations` serves it.
        return [o for o in self.obligations.all() if o.status == Obligation.Status.OPEN]

    @property
    def notice_date(self) -> datetime.date:
        """The last day on which notice can be given."""
        return self.expiry_date - datetime.timedelta(days=self.notice_period_days)


class ObligationQuerySet(CmoScopedQuerySet):
    cmo_path = "contract__cmo"


class Obligation(models.Model):
    """Something a contract commits either side to by a date: a price review, a minimum
    purchase, a forecast delivery."""

    class Kind(models.TextChoices):
        PRICE_REVIEW = "price_review", "Price review"
        MINIMUM_PURCHASE = "minimum_purchase", "Minimum purchase commitment"
        FORECAST = "forecast", "Forecast delivery"
        REPORT = "report", "Report or notification"
        OTHER = "other", "Other"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        MET = "met", "Met"
        MISSED = "missed", "Missed"
        WAIVED = "waived", "Waived"

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="obligations")
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.OTHER)
    description = models.TextField()
    due_date = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)

    history = HistoricalRecords()
    objects = ObligationQuerySet.as_manager()

    class Meta:
        ordering = ["due_date", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()} due {self.due_date:%d %b %Y}"

    def get_absolute_url(self):
        return self.contract.get_absolute_url()

    @property
    def is_overdue(self) -> bool:
        return self.status == self.Status.OPEN and self.due_date < timezone.localdate()


class RenewalAlert(models.Model):
    """An email sent to warn that the last day to give notice on a contract approaches.

    The row is the claim: inserted before the email goes out, unique per contract, notice
    date and threshold, so each alert is sent once even when the daily run repeats. A
    contract whose expiry moves (a renewal) has a new notice date and gets new alerts."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="renewal_alerts")
    notice_date = models.DateField("last day to give notice")
    days_before = models.PositiveSmallIntegerField()
    recipient = models.EmailField()
    sent_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-sent_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "notice_date", "days_before"], name="renewal_alert_once"
            ),
        ]

    def __str__(self):
        return f"{self.days_before}-day renewal alert for {self.contract.reference}"
