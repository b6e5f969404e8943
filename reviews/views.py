import datetime

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.views import View
from django.views.generic import DetailView, FormView, TemplateView

from cmo_portal import generic
from reviews import filters, forms, ratings, services, tables
from reviews.models import (
    SIGNATURE_MEANING,
    ActionItem,
    BusinessReview,
    ReviewLocked,
    StakeholderRating,
)
from reviews.services import SignatureRefused

DUE_SOON_DAYS = 30


def locked_response(request, exc: ReviewLocked, review=None):
    """409: the page asked to change a signed review."""
    return render(
        request, "reviews/locked.html", {"message": str(exc), "review": review}, status=409
    )


class LockAwareMixin:
    """Answers 409 with an explanation, rather than an error page, when a view or the
    model refuses to change a signed review."""

    def dispatch(self, request, *args, **kwargs):
        try:
            return super().dispatch(request, *args, **kwargs)
        except ReviewLocked as exc:
            return locked_response(request, exc, exc.review)


def _scope_including_signed(user):
    return BusinessReview.objects.in_change_scope(user)


def _unsigned_review(user, pk) -> BusinessReview:
    """A review the user may change, refused with 409 once it is signed."""
    review = get_object_or_404(_scope_including_signed(user), pk=pk)
    if review.is_signed:
        raise ReviewLocked(review)
    return review


def review_queryset():
    return BusinessReview.objects.select_related("cmo", "owner", "signature", "amends")


# --- Reviews -----------------------------------------------------------------------------------


class BusinessReviewListView(generic.ObjectListView):
    model = BusinessReview
    table_class = tables.BusinessReviewTable
    filterset_class = filters.BusinessReviewFilterSet

    def get_queryset(self):
        return review_queryset()


class MyReviewsView(generic.ObjectPermissionMixin, TemplateView):
    """A relationship manager's reviews: overdue, due soon, in progress, recently signed."""

    model = BusinessReview
    template_name = "reviews/my_reviews.html"

    def get_context_data(self, **kwargs):
        today = timezone.localdate()
        mine = review_queryset().filter(owner=self.request.user)
        soon = today + datetime.timedelta(days=DUE_SOON_DAYS)
        S = BusinessReview.Status
        return super().get_context_data(
            title="My reviews",
            today=today,
            overdue=mine.filter(status=S.OVERDUE).order_by("due_date"),
            due_soon=mine.filter(status=S.SCHEDULED, due_date__lte=soon).order_by("due_date"),
            drafts=mine.filter(status=S.IN_PROGRESS).order_by("due_date"),
            upcoming=mine.filter(status=S.SCHEDULED, due_date__gt=soon).order_by("due_date")[:10],
            signed=mine.filter(signature__isnull=False).order_by("-signature__signed_at")[:10],
            pending_ratings=StakeholderRating.objects.pending()
            .filter(rater=self.request.user)
            .count(),
            open_actions=ActionItem.objects.open().filter(owner=self.request.user).count(),
            **kwargs,
        )


def review_context(review: BusinessReview, user) -> dict:
    """What the review's pages show beside the record: the scorecard, the actions carried
    in from earlier reviews, its own actions and the stakeholders' ratings combined."""
    if review.is_signed:
        carried = None  # shown from the snapshot taken at signing
    else:
        carried = list(
            ActionItem.objects.carried_into(review).select_related("owner", "review__cmo")
        )
    stakeholders = list(review.stakeholder_ratings.all())
    for rating in stakeholders:
        rating.weighted_total = ratings.weighted_total(rating.ratings())
    answers = [r.ratings() for r in stakeholders if r.answered_at]
    snapshot = review.scorecard_snapshot or (
        services.scorecard_snapshot(review) if not review.is_signed else {}
    )
    return {
        "review": review,
        "snapshot": snapshot,
        "snapshot_frozen": bool(review.opened_at),
        "carried": carried,
        "own_actions": list(review.action_items.select_related("owner")),
        "stakeholder_ratings": stakeholders,
        "combined_rating": ratings.ratings_combine(answers),
        "dimension_medians": ratings.dimension_medians(answers),
        "today": timezone.localdate(),
        "is_owner": review.owner_id == user.pk,
    }


class BusinessReviewDetailView(generic.ObjectDetailView):
    model = BusinessReview
    template_name = "reviews/businessreview_detail.html"

    def get_queryset(self):
        return review_queryset().prefetch_related(
            Prefetch("stakeholder_ratings", StakeholderRating.objects.select_related("rater")),
            "amendments__signature",
        )

    def get_context_data(self, **kwargs):
        review = self.object
        user = self.request.user
        in_scope = _scope_including_signed(user).filter(pk=review.pk).exists()
        context = super().get_context_data(**review_context(review, user), **kwargs)
        context.update(
            can_open=context["can_change"] and not review.opened_at,
            can_sign=context["is_owner"]
            and not review.is_signed
            and review.status != BusinessReview.Status.CANCELLED,
            can_amend=in_scope and review.is_signed,
            can_cancel=context["can_change"]
            and not review.is_signed
            and review.status in BusinessReview.OPEN_STATUSES,
            can_add_action=context["can_change"] and user.has_perm("reviews.add_actionitem"),
            can_request_ratings=context["can_change"]
            and user.has_perm("reviews.add_stakeholderrating"),
        )
        return context


class BusinessReviewEditView(LockAwareMixin, generic.ObjectEditView):
    model = BusinessReview
    form_class = forms.BusinessReviewForm
    template_name = "reviews/businessreview_edit.html"

    def get_queryset(self):
        return _scope_including_signed(self.request.user).select_related("cmo", "signature")

    def get_object(self, queryset=None):
        review = super().get_object(queryset)
        if review.pk and review.is_signed:
            raise ReviewLocked(review)
        return review

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if self.object.pk:
            context.update(review_context(self.object, self.request.user))
        return context


class BusinessReviewHistoryView(generic.ObjectHistoryView):
    model = BusinessReview


class ReviewActionView(LockAwareMixin, generic.ObjectPermissionMixin, View):
    """Base of the POST-only steps on a review the user may change."""

    model = BusinessReview
    action = "change"

    @cached_property
    def review(self):
        return get_object_or_404(_scope_including_signed(self.request.user), pk=self.kwargs["pk"])


class ReviewOpenView(ReviewActionView):
    def post(self, request, pk):
        review = services.review_open(self.review, request.user)
        if review.scorecard_snapshot:
            messages.success(
                request,
                f"Review opened; the {review.scorecard_snapshot['label']} "
                "scorecard is frozen into it.",
            )
        else:
            messages.warning(request, "Review opened; there is no scorecard for its quarter yet.")
        return redirect("reviews:businessreview_edit", pk=review.pk)


class ReviewSignView(LockAwareMixin, generic.ObjectPermissionMixin, FormView):
    """Completing a review: the owner re-enters their password; the meaning of the
    signature is shown before it is given."""

    model = BusinessReview
    action = "change"
    form_class = forms.SignForm
    template_name = "reviews/businessreview_sign.html"

    @cached_property
    def review(self):
        review = get_object_or_404(review_queryset(), pk=self.kwargs["pk"])
        if review.is_signed:
            raise ReviewLocked(review)
        if review.owner_id != self.request.user.pk:
            raise PermissionDenied("Only the review's owner can sign it.")
        return review

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            meaning=SIGNATURE_MEANING,
            title=f"Sign {self.review}",
            **review_context(self.review, self.request.user),
            **kwargs,
        )

    def form_valid(self, form):
        try:
            services.review_sign(self.review, self.request.user, form.cleaned_data["password"])
        except SignatureRefused as exc:
            form.add_error("password", str(exc))
            return self.form_invalid(form)
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Signed: {self.review}. The review is now locked.")
        return redirect(self.review.get_absolute_url())


class ReviewAmendView(generic.ObjectPermissionMixin, FormView):
    model = BusinessReview
    action = "change"
    form_class = forms.AmendForm
    template_name = "reviews/businessreview_amend.html"

    @cached_property
    def review(self):
        return get_object_or_404(_scope_including_signed(self.request.user), pk=self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(review=self.review, title=f"Amend {self.review}", **kwargs)

    def form_valid(self, form):
        try:
            amendment = services.review_amend(
                self.review, self.request.user, form.cleaned_data["reason"]
            )
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, "Amendment opened; correct it and sign it.")
        return redirect("reviews:businessreview_edit", pk=amendment.pk)


class ReviewCancelView(LockAwareMixin, generic.ObjectPermissionMixin, FormView):
    """The owner calls off a review that will not take place, saying why."""

    model = BusinessReview
    action = "change"
    form_class = forms.CancelForm
    template_name = "reviews/businessreview_cancel.html"

    @cached_property
    def review(self):
        return _unsigned_review(self.request.user, self.kwargs["pk"])

    def get_context_data(self, **kwargs):
        return super().get_context_data(review=self.review, title=f"Cancel {self.review}", **kwargs)

    def form_valid(self, form):
        try:
            services.review_cancel(self.review, self.request.user, form.cleaned_data["reason"])
        except ValidationError as exc:
            form.add_error(None, exc)
            return self.form_invalid(form)
        messages.success(self.request, f"Cancelled: {self.review}.")
        return redirect(self.review.get_absolute_url())


class ReviewPrintView(generic.ObjectPermissionMixin, DetailView):
    """The signed record, laid out for paper or "Save as PDF"."""

    model = BusinessReview
    template_name = "reviews/businessreview_print.html"

    def get_queryset(self):
        return review_queryset().prefetch_related(
            Prefetch("stakeholder_ratings", StakeholderRating.objects.select_related("rater"))
        )

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            **review_context(self.object, self.request.user), printed_at=timezone.now(), **kwargs
        )


# --- Stakeholder ratings --------------------------------------------------------------------


class RatingRequestView(LockAwareMixin, generic.ObjectPermissionMixin, FormView):
    """The owner asks colleagues to rate the CMO before the meeting."""

    model = StakeholderRating
    action = "add"
    form_class = forms.RatingRequestForm
    template_name = "reviews/rating_request.html"

    @cached_property
    def review(self):
        return _unsigned_review(self.request.user, self.kwargs["pk"])

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "review": self.review}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            review=self.review, title=f"Ask for ratings: {self.review}", **kwargs
        )

    def form_valid(self, form):
        rating = services.rating_request(
            self.review,
            form.cleaned_data["rater"],
            form.cleaned_data["function"],
            by=self.request.user,
        )
        messages.success(self.request, f"Asked {rating.rater.get_full_name() or rating.rater}.")
        if "another" in self.request.POST:
            return HttpResponseRedirect(self.request.path)
        return redirect(self.review.get_absolute_url())


class InboxView(TemplateView):
    """Rating requests addressed to the logged-in user, whatever their role."""

    template_name = "reviews/inbox.html"

    def get_context_data(self, **kwargs):
        mine = StakeholderRating.objects.addressed_to(self.request.user).select_related(
            "review__cmo", "review__signature", "requested_by"
        )
        return super().get_context_data(
            title="Rating requests",
            pending=mine.pending().order_by("review__scheduled_for"),
            answered=mine.answered().order_by("-answered_at")[:20],
            **kwargs,
        )


class RatingAnswerView(LockAwareMixin, FormView):
    """The addressee answers (or corrects their answer) until the review is signed."""

    form_class = forms.RatingAnswerForm
    template_name = "reviews/rating_answer.html"

    @cached_property
    def object(self):
        rating = get_object_or_404(
            StakeholderRating.objects.select_related("review__cmo", "rater"), pk=self.kwargs["pk"]
        )
        if rating.rater_id != self.request.user.pk:
            raise Http404("Not addressed to you.")
        return rating

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "instance": self.object}

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            rating=self.object,
            review=self.object.review,
            locked=self.object.review.is_signed,
            title=f"Rate {self.object.review.cmo.name}",
            **kwargs,
        )

    def form_valid(self, form):
        services.rating_answer(
            self.object,
            self.request.user,
            {d: form.cleaned_data[d] for d in services.DIMENSIONS},
            form.cleaned_data["comment"],
        )
        messages.success(self.request, "Thank you: your rating is recorded.")
        return redirect("reviews:inbox")


# --- Action items ---------------------------------------------------------------------------


class ActionItemListView(generic.ObjectListView):
    """Open actions across CMOs, by owner and due date; overdue ones in red."""

    model = ActionItem
    table_class = tables.ActionItemTable
    filterset_class = filters.ActionItemFilterSet
    template_name = "reviews/actionitem_list.html"

    def get_queryset(self):
        return ActionItem.objects.select_related("owner", "review__cmo")

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        if not self.request.GET:
            kwargs["data"] = {"status": list(ActionItem.OPEN_STATUSES)}
        return kwargs

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["title"] = "Actions"
        context["can_add"] = False  # actions are raised from a review
        return context


class ActionItemEditView(LockAwareMixin, generic.ObjectEditView):
    model = ActionItem
    form_class = forms.ActionItemForm

    def get_queryset(self):
        return ActionItem.objects.editable_by(self.request.user).select_related("review")

    def get_success_url(self):
        return self.object.review.get_absolute_url() + "#actions"


class ActionItemHistoryView(generic.ObjectHistoryView):
    model = ActionItem
