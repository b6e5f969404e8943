from django import forms

from suppliers.scoping import attachable


class PortalFormMixin:
    """Bootstrap classes on every widget."""

    def _style_widgets(self):
        for field in self.fields.values():
            widget = field.widget
            if isinstance(widget, forms.CheckboxInput):
                css = "form-check-input"
            elif isinstance(widget, forms.Select | forms.SelectMultiple):
                css = "form-select"
            else:
                css = "form-control"
            widget.attrs["class"] = f"{widget.attrs.get('class', '')} {css}".strip()


class PortalModelForm(PortalFormMixin, forms.ModelForm):
    """A model form that knows who is filling it in (to narrow choices to what the user
    may touch) and asks why an existing record is being changed; the reason goes into the
    record's history."""

    change_reason = forms.CharField(
        label="Reason for change",
        required=False,
        max_length=500,
        help_text="Kept in the record's history.",
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        if not self.instance.pk:
            del self.fields["change_reason"]
        for field in self.fields.values():
            if isinstance(field, forms.DateField):
                field.widget = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
        if user is not None:
            self._narrow_parents(user)
        self._style_widgets()

    def _narrow_parents(self, user):
        # A record can only be attached to parents the user may write under: a
        # relationship manager sees only their own CMOs (and their sites, audits…).
        for field in self.fields.values():
            queryset = getattr(field, "queryset", None)
            if queryset is not None and hasattr(queryset, "cmo_path"):
                field.queryset = attachable(queryset, user)

    def full_clean(self):
        super().full_clean()
        # Mark invalid widgets so Bootstrap shows them in red.
        for name in self.errors:
            if name in self.fields:
                widget = self.fields[name].widget
                widget.attrs["class"] = f"{widget.attrs.get('class', '')} is-invalid"
