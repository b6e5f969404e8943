from django import forms
from django.contrib.auth import get_user_model

from cmo_portal import roles
from cmo_portal.forms import PortalFormMixin, PortalModelForm
from reviews.models import DIMENSIONS, RATING_CHOICES, ActionItem, BusinessReview, StakeholderRating
from reviews.periods import period_start
from reviews.scheduling import review_plan
from suppliers.forms import UserChoiceField, people_in

RATING_WIDGET = forms.Select(choices=[("", "—"), *RATING_CHOICES])


class BusinessReviewForm(PortalModelForm):
    """A new review (for-cause or annual, or one the scheduler has not created yet) or the
    record of a review: attendees, ratings, the health assessment, risks and decisions."""

    class Meta:
        model = BusinessReview
        fields = [
            "cmo",
            "kind",
            "period",
            "scheduled_for",
            "due_date",
            "company_attendees",
            "cmo_attendees",
            *[name for d in DIMENSIONS for name in (d, f"{d}_comment")],
            "health",
            "summary",
            "risks",
            "decisions",
        ]
        widgets = {
            **dict.fromkeys(DIMENSIONS, RATING_WIDGET),
            **{f"{d}_comment": forms.Textarea(attrs={"rows": 2}) for d in DIMENSIONS},
            "company_attendees": forms.Textarea(attrs={"rows": 3}),
            "cmo_attendees": forms.Textarea(attrs={"rows": 3}),
            "summary": forms.Textarea(attrs={"rows": 4}),
            "risks": forms.Textarea(attrs={"rows": 3}),
            "decisions": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # What the review is about is fixed once it exists.
            for name in ("cmo", "kind", "period"):
                self.fields[name].disabled = True
        else:
            for name in ("scheduled_for", "due_date"):
                self.fields[name].required = False
                self.fields[name].help_text = "Empty: from the kind and period."

    def clean(self):
        data = super().clean()
        kind, period = data.get("kind"), data.get("period")
        if kind and period and not self.instance.pk:
            data["period"] = self.instance.period = period_start(kind, period)
            plan = review_plan(kind, data["period"])
            for name in ("scheduled_for", "due_date"):
                if not data.get(name):
                    data[name] = getattr(plan, name)
                    setattr(self.instance, name, data[name])
        return data

    def save(self, commit=True):
        review = super().save(commit=False)
        if review.owner_id is None and review.cmo_id:
            review.owner_id = review.cmo.relationship_manager_id
        if commit:
            review.save()
        return review


class SignForm(PortalFormMixin, forms.Form):
    password = forms.CharField(
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
        help_text="Your login password, re-entered to sign.",
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._style_widgets()


class ReasonForm(PortalFormMixin, forms.Form):
    """A reason, required, for a step kept in the review's history."""

    reason_help = ""
    reason = forms.CharField(widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["reason"].help_text = self.reason_help
        self._style_widgets()


class AmendForm(ReasonForm):
    reason_help = "What is wrong in the signed review, and why it is corrected."


class CancelForm(ReasonForm):
    reason_help = "Why the review will not take place; it is kept in the review's history."


class RatingRequestForm(PortalFormMixin, forms.ModelForm):
    rater = UserChoiceField(queryset=get_user_model().objects.none(), label="Colleague")

    class Meta:
        model = StakeholderRating
        fields = ["rater", "function"]

    def __init__(self, *args, review, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.review = review
        asked = review.stakeholder_ratings.values("rater")
        self.fields["rater"].queryset = people_in(*roles.ALL_ROLES).exclude(pk__in=asked)
        self._style_widgets()


class RatingAnswerForm(PortalFormMixin, forms.ModelForm):
    class Meta:
        model = StakeholderRating
        fields = [*DIMENSIONS, "comment"]
        widgets = {
            **dict.fromkeys(DIMENSIONS, RATING_WIDGET),
            "comment": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for d in DIMENSIONS:
            self.fields[d].required = True
        self._style_widgets()


class ActionItemForm(PortalModelForm):
    owner = UserChoiceField(queryset=get_user_model().objects.none(), required=False)

    class Meta:
        model = ActionItem
        fields = [
            "review",
            "description",
            "owner",
            "owner_at_cmo",
            "due_date",
            "status",
            "resolution",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 3}),
            "resolution": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = people_in(*roles.ALL_ROLES)
        review_field = self.fields["review"]
        if self.instance.pk:
            review_field.disabled = True
        else:
            # A signed review's record is closed: new actions go on a later review.
            review_field.queryset = review_field.queryset.filter(
                signature__isnull=True
            ).select_related("cmo")
        review_field.label_from_instance = str
