from django.utils import timezone
from rest_framework import serializers

from cmo_portal.api.base import PortalModelSerializer
from reviews import ratings
from reviews.models import (
    DIMENSIONS,
    ActionItem,
    BusinessReview,
    ReviewSignature,
    StakeholderRating,
)
from reviews.periods import period_start
from reviews.scheduling import review_plan


class SignatureSerializer(serializers.ModelSerializer):
    signed_by = serializers.CharField(source="signed_by.username", read_only=True)

    class Meta:
        model = ReviewSignature
        fields = ["signed_by", "printed_name", "signed_at", "meaning"]
        read_only_fields = fields


class BusinessReviewSerializer(PortalModelSerializer):
    period_label = serializers.CharField(read_only=True)
    signature = SignatureSerializer(read_only=True, allow_null=True, help_text="Null until signed.")
    stakeholder_rating = serializers.SerializerMethodField(
        help_text="Median of the answered stakeholders' weighted totals (1–5)."
    )
    scheduled_for = serializers.DateField(required=False)
    due_date = serializers.DateField(required=False)

    class Meta:
        model = BusinessReview
        fields = [
            "id",
            "cmo",
            "kind",
            "period",
            "period_label",
            "scheduled_for",
            "due_date",
            "status",
            "owner",
            "company_attendees",
            "cmo_attendees",
            *[name for d in DIMENSIONS for name in (d, f"{d}_comment")],
            "health",
            "summary",
            "risks",
            "decisions",
            "stakeholder_rating",
            "scorecard_snapshot",
            "opened_at",
            "completed_on",
            "carried_actions_snapshot",
            "signature",
            "amends",
            "amendment_reason",
            "created",
            "updated",
            "change_reason",
        ]
        read_only_fields = [
            "status",
            "owner",
            "scorecard_snapshot",
            "opened_at",
            "completed_on",
            "carried_actions_snapshot",
            "amends",
            "amendment_reason",
            "created",
            "updated",
        ]

    def get_fields(self):
        fields = super().get_fields()
        if self.instance is not None and not isinstance(self.instance, list | tuple):
            # What a review is about is fixed once it exists.
            for name in ("cmo", "kind", "period"):
                fields[name].read_only = True
        return fields

    def get_stakeholder_rating(self, review) -> float | None:
        answers = [r.ratings() for r in review.stakeholder_ratings.all() if r.answered_at]
        return ratings.ratings_combine(answers)

    def validate(self, attrs):
        if self.instance is None and attrs.get("kind") and attrs.get("period"):
            attrs["period"] = period_start(attrs["kind"], attrs["period"])
            plan = review_plan(attrs["kind"], attrs["period"])
            attrs.setdefault("scheduled_for", plan.scheduled_for)
            attrs.setdefault("due_date", plan.due_date)
        return super().validate(attrs)

    def create(self, validated_data):
        validated_data["owner"] = validated_data["cmo"].relationship_manager
        return super().create(validated_data)


class SignSerializer(serializers.Serializer):
    password = serializers.CharField(write_only=True, style={"input_type": "password"})


class ReasonSerializer(serializers.Serializer):
    """The reason for amending or cancelling a review, kept in its history."""

    reason = serializers.CharField(max_length=2000)


class StakeholderRatingSerializer(PortalModelSerializer):
    weighted_total = serializers.SerializerMethodField()

    class Meta:
        model = StakeholderRating
        fields = [
            "id",
            "review",
            "rater",
            "function",
            "requested_by",
            "requested_at",
            *DIMENSIONS,
            "comment",
            "answered_at",
            "notified_at",
            "weighted_total",
        ]
        read_only_fields = [
            "requested_by",
            "requested_at",
            *DIMENSIONS,
            "comment",
            "answered_at",
            "notified_at",
        ]

    def get_weighted_total(self, rating) -> float | None:
        return ratings.weighted_total(rating.ratings())


class RatingAnswerSerializer(serializers.ModelSerializer):
    class Meta:
        model = StakeholderRating
        fields = [*DIMENSIONS, "comment"]
        extra_kwargs = {d: {"required": True, "allow_null": False} for d in DIMENSIONS}


class ActionItemSerializer(PortalModelSerializer):
    is_overdue = serializers.BooleanField(read_only=True)

    class Meta:
        model = ActionItem
        fields = [
            "id",
            "review",
            "description",
            "owner",
            "owner_at_cmo",
            "due_date",
            "status",
            "closed_on",
            "resolution",
            "is_overdue",
            "created",
            "updated",
            "change_reason",
        ]
        read_only_fields = ["closed_on", "created", "updated"]

    def validate(self, attrs):
        # The closing date follows the status, as on the page.
        status = attrs.get("status", getattr(self.instance, "status", ActionItem.Status.OPEN))
        if status in ActionItem.OPEN_STATUSES:
            attrs["closed_on"] = None
        elif not getattr(self.instance, "closed_on", None):
            attrs["closed_on"] = timezone.localdate()
        return super().validate(attrs)
