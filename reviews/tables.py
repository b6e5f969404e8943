"""List-page tables (django-tables2)."""

import django_tables2 as tables
from django.template.loader import render_to_string

from reviews.models import ActionItem, BusinessReview


def _person(user) -> str:
    return (user.get_full_name() or user.username) if user else "—"


class BusinessReviewTable(tables.Table):
    review = tables.Column(
        accessor="pk", verbose_name="Review", linkify=lambda record: record.get_absolute_url()
    )
    cmo = tables.Column(verbose_name="CMO", order_by=("cmo__name",))
    period = tables.Column(verbose_name="Period")
    owner = tables.Column(order_by=("owner__last_name", "owner__username"))
    status = tables.Column()

    class Meta:
        model = BusinessReview
        fields = ("review", "cmo", "kind", "period", "scheduled_for", "due_date", "owner", "status")
        order_by = "due_date"
        row_attrs = {"class": lambda record: "table-danger" if record.is_overdue else ""}

    def render_review(self, record):
        return f"{record.get_kind_display()} {record.period_label}"

    def render_period(self, record):
        return record.period_label

    def render_owner(self, value):
        return _person(value)

    def render_status(self, record):
        return render_to_string("reviews/includes/status_badge.html", {"review": record})


class ActionItemTable(tables.Table):
    description = tables.Column(linkify=lambda record: record.get_absolute_url())
    cmo = tables.Column(accessor="review__cmo", verbose_name="CMO", order_by=("review__cmo__name",))
    owner = tables.Column(order_by=("owner__last_name", "owner__username", "due_date"))
    review = tables.Column(
        verbose_name="Raised in",
        linkify=lambda record: record.review.get_absolute_url(),
        order_by=("review__period",),
    )

    class Meta:
        model = ActionItem
        fields = ("description", "cmo", "owner", "owner_at_cmo", "due_date", "status", "review")
        order_by = ("owner", "due_date")
        row_attrs = {
            "class": lambda record: "table-danger" if record.is_overdue else "",
            "data-overdue": lambda record: "true" if record.is_overdue else "false",
        }

    def render_owner(self, value):
        return _person(value)

    def render_review(self, value):
        return f"{value.get_kind_display()} {value.period_label}"

    def render_due_date(self, record, value):
        text = value.strftime("%d %b %Y")
        if record.is_overdue:
            return render_to_string("reviews/includes/overdue_date.html", {"text": text})
        return text
