"""Search-as-you-type for choices too many to list: a filter of a list page names one of a
thousand CMOs, two thousand sites or products. Such a select renders only its chosen
option; static/js/autocomplete.js turns it into a search box fed by `AutocompleteView`."""

from django import forms
from django.apps import apps
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, JsonResponse
from django.urls import reverse
from django.views import View

# Source name → (model, the fields a search looks in, related records its label shows).
SOURCES = {
    "cmo": ("suppliers.Cmo", ("name",), ()),
    "site": ("suppliers.Site", ("name", "cmo__name"), ("cmo",)),
    "product": ("suppliers.Product", ("code", "name"), ()),
}
RESULTS = 20


def source_of(model) -> str | None:
    return next(
        (name for name, (label, _, _) in SOURCES.items() if label == model._meta.label), None
    )


class AutocompleteSelect(forms.Select):
    """A select of model choices that renders the empty choice and the chosen record
    only, not the whole table; the browser fetches the others as the user types."""

    def __init__(self, source: str, attrs=None):
        super().__init__(attrs)
        self.source = source

    def build_attrs(self, base_attrs, extra_attrs=None):
        attrs = super().build_attrs(base_attrs, extra_attrs)
        attrs["data-autocomplete-url"] = reverse("autocomplete", args=[self.source])
        return attrs

    def optgroups(self, name, value, attrs=None):
        field = self.choices.field
        chosen = [v for v in value if v not in (None, "")]
        groups = [(None, [self.create_option(name, "", field.empty_label or "", not chosen, 0)], 0)]
        try:
            records = list(self.choices.queryset.filter(pk__in=chosen)) if chosen else []
        except (ValueError, ValidationError):  # not an id: the form says so
            records = []
        for index, record in enumerate(records, start=1):
            option = self.create_option(
                name, record.pk, field.label_from_instance(record), True, index
            )
            groups.append((None, [option], index))
        return groups


def use_autocomplete(form: forms.Form) -> None:
    """Give every choice of CMO, site or product in `form` an autocomplete widget."""
    for field in form.fields.values():
        if not isinstance(field, forms.ModelChoiceField):
            continue
        source = source_of(field.queryset.model)
        if source and not isinstance(field.widget, forms.SelectMultiple):
            field.widget = AutocompleteSelect(source, attrs=field.widget.attrs)
            field.widget.choices = field.choices


class AutocompleteView(View):
    """The records of a source matching `q`, as {"results": [{"id", "text"}]} (at most 20),
    for anyone who may view them."""

    def get(self, request, source):
        if source not in SOURCES:
            raise Http404("No such list.")
        label, search_fields, related = SOURCES[source]
        model = apps.get_model(label)
        if not request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}"):
            raise PermissionDenied
        records = model.objects.select_related(*related)
        for term in request.GET.get("q", "").split()[:5]:
            condition = Q()
            for field in search_fields:
                condition |= Q(**{f"{field}__icontains": term})
            records = records.filter(condition)
        results = [{"id": r.pk, "text": str(r)} for r in records[:RESULTS]]
        return JsonResponse({"results": results})
