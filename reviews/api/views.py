from django.core.exceptions import ValidationError as DjangoValidationError
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import APIException, PermissionDenied, ValidationError
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from cmo_portal.api.base import ScopedModelViewSet
from reviews import filters, services
from reviews.api import serializers
from reviews.models import ActionItem, BusinessReview, ReviewLocked, StakeholderRating

WRITES = ("update", "partial_update", "destroy", "open", "sign", "amend", "cancel")


class Locked(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_detail = "The review is signed and locked; correct it with an amendment."
    default_code = "locked"


class LockConflictMixin:
    """A change to a signed review (or its ratings) answers 409 Conflict, whichever layer
    refuses it: the view, or the model's own save()."""

    def handle_exception(self, exc):
        if isinstance(exc, ReviewLocked):
            exc = Locked(str(exc))
        return super().handle_exception(exc)


def _as_drf(exc: DjangoValidationError) -> ValidationError:
    return ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)


class BusinessReviewViewSet(LockConflictMixin, ScopedModelViewSet):
    """Business reviews. A signed review answers 409 to any change; `sign` needs the
    owner's password; `amend` opens a correction of a signed review."""

    queryset = BusinessReview.objects.select_related("signature").prefetch_related(
        "stakeholder_ratings"
    )
    serializer_class = serializers.BusinessReviewSerializer
    filterset_class = filters.BusinessReviewFilterSet
    ordering_fields = ["period", "due_date", "scheduled_for", "status"]

    def get_queryset(self):
        if self.action in WRITES:
            # Signed reviews stay in reach so that they answer 409, not 404.
            return self.queryset.in_change_scope(self.request.user)
        return super().get_queryset()

    def get_object(self):
        review = super().get_object()
        locked = ("update", "partial_update", "destroy", "open", "cancel")
        if self.action in locked and review.is_signed:
            raise ReviewLocked(review)
        return review

    @extend_schema(request=None, responses=serializers.BusinessReviewSerializer)
    @action(detail=True, methods=["post"])
    def open(self, request, pk=None):
        """Freeze the period's scorecard into the review and mark it in progress."""
        review = services.review_open(self.get_object(), request.user)
        return Response(self.get_serializer(review).data)

    @extend_schema(request=serializers.SignSerializer, responses=serializers.SignatureSerializer)
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        """Complete and sign the review with the owner's password; it is then locked."""
        review = self.get_object()
        form = serializers.SignSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            signature = services.review_sign(review, request.user, form.validated_data["password"])
        except services.SignatureRefused as exc:
            raise PermissionDenied(str(exc)) from exc
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return Response(serializers.SignatureSerializer(signature).data)

    @extend_schema(
        request=serializers.ReasonSerializer, responses=serializers.BusinessReviewSerializer
    )
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        """Call off a review that will not take place, stating the reason."""
        review = self._with_reason(request, services.review_cancel)
        return Response(self.get_serializer(review).data)

    @extend_schema(
        request=serializers.ReasonSerializer, responses=serializers.BusinessReviewSerializer
    )
    @action(detail=True, methods=["post"])
    def amend(self, request, pk=None):
        """Open an amendment of a signed review, stating the reason."""
        amendment = self._with_reason(request, services.review_amend)
        return Response(self.get_serializer(amendment).data, status=status.HTTP_201_CREATED)

    def _with_reason(self, request, step):
        """`step(review, user, reason)` on this review, with the reason the request gives."""
        review = self.get_object()
        form = serializers.ReasonSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        try:
            return step(review, request.user, form.validated_data["reason"])
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc


class StakeholderRatingViewSet(LockConflictMixin, ScopedModelViewSet):
    """Requests for colleagues' ratings, and their answers. Anyone may answer a request
    addressed to them (`answer`), whatever their role."""

    queryset = StakeholderRating.objects.select_related("review")
    serializer_class = serializers.StakeholderRatingSerializer
    filterset_fields = ["review", "rater", "function"]
    http_method_names = ["get", "post", "delete", "head", "options"]

    def get_queryset(self):
        if self.action == "destroy":
            return self.queryset.in_change_scope(self.request.user)
        if self.action == "answer":
            return self.queryset.addressed_to(self.request.user)
        if self.action == "mine":
            return self.queryset.addressed_to(self.request.user).pending()
        return super().get_queryset()

    def get_permissions(self):
        if self.action in ("answer", "mine"):
            return [IsAuthenticated()]
        return super().get_permissions()

    def perform_create(self, serializer):
        review = serializer.validated_data["review"]
        if not BusinessReview.objects.in_change_scope(self.request.user).filter(pk=review.pk):
            raise PermissionDenied("Only the review's owner asks for ratings.")
        if review.is_signed:
            raise ReviewLocked(review)
        data = serializer.validated_data
        try:
            serializer.instance = services.rating_request(
                review, data["rater"], data["function"], by=self.request.user
            )
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc

    # The inbox is answered as a plain list, unfiltered: the schema must say so too.
    @extend_schema(request=None, responses=serializers.StakeholderRatingSerializer(many=True))
    @action(detail=False, methods=["get"], pagination_class=None, filter_backends=[])
    def mine(self, request):
        """The requests waiting for the caller's answer (their inbox)."""
        data = self.get_serializer(self.get_queryset(), many=True).data
        return Response(data)

    @extend_schema(
        request=serializers.RatingAnswerSerializer,
        responses=serializers.StakeholderRatingSerializer,
    )
    @action(detail=True, methods=["post"])
    def answer(self, request, pk=None):
        """Answer (or correct) a request addressed to the caller, until the review is
        signed."""
        rating = self.get_object()
        form = serializers.RatingAnswerSerializer(data=request.data)
        form.is_valid(raise_exception=True)
        data = dict(form.validated_data)
        comment = data.pop("comment", "")
        try:
            rating = services.rating_answer(rating, request.user, data, comment)
        except DjangoValidationError as exc:
            raise _as_drf(exc) from exc
        return Response(self.get_serializer(rating).data)


class ActionItemViewSet(LockConflictMixin, ScopedModelViewSet):
    """Action items. New ones cannot be added to a signed review (409); those of a signed
    review can still be followed up and closed."""

    queryset = ActionItem.objects.select_related("review")
    serializer_class = serializers.ActionItemSerializer
    filterset_class = filters.ActionItemFilterSet
    ordering_fields = ["due_date", "status", "owner"]

    def perform_create(self, serializer):
        review = serializer.validated_data["review"]
        if review.is_signed:
            raise ReviewLocked(review)
        serializer.save()
