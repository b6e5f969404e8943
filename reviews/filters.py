import django_filters
from django.contrib.auth import get_user_model
from django.utils import timezone

from cmo_portal.filters import PortalFilterSet
from reviews.models import ActionItem, BusinessReview
from suppliers.models import Cmo


class BusinessReviewFilterSet(PortalFilterSet):
    search_fields = ("cmo__name", "summary", "risks", "decisions")
    cmo = django_filters.ModelChoiceFilter(queryset=Cmo.objects.all(), label="CMO")
    kind = django_filters.MultipleChoiceFilter(choices=BusinessReview.Kind.choices)
    status = django_filters.MultipleChoiceFilter(choices=BusinessReview.Status.choices)
    owner = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.filter(owned_reviews__isnull=False).distinct()
    )
    signed = django_filters.BooleanFilter(
        field_name="signature", lookup_expr="isnull", exclude=True, label="Signed"
    )
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label="Due by")

    class Meta:
        model = BusinessReview
        fields = ["q", "cmo", "kind", "status", "owner", "signed", "due_before"]


class ActionItemFilterSet(PortalFilterSet):
    search_fields = ("description", "owner_at_cmo", "review__cmo__name")
    cmo = django_filters.ModelChoiceFilter(
        field_name="review__cmo", queryset=Cmo.objects.all(), label="CMO"
    )
    owner = django_filters.ModelChoiceFilter(
        queryset=get_user_model().objects.filter(review_actions__isnull=False).distinct()
    )
    status = django_filters.MultipleChoiceFilter(choices=ActionItem.Status.choices)
    overdue = django_filters.BooleanFilter(method="filter_overdue", label="Overdue")
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label="Due by")
    # By number: a choice list would name every review ever held.
    review = django_filters.NumberFilter(field_name="review", label="Raised in review no.")

    class Meta:
        model = ActionItem
        fields = ["q", "cmo", "owner", "status", "overdue", "due_before", "review"]

    def filter_overdue(self, queryset, name, value):
        overdue = queryset.overdue(timezone.localdate())
        if value is None:
            return queryset
        return overdue if value else queryset.exclude(pk__in=overdue.values("pk"))
