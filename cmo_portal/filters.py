import django_filters
from django import forms
from django.db.models import Q

from cmo_portal.autocomplete import use_autocomplete
from cmo_portal.forms import PortalFormMixin


class PortalFilterSet(django_filters.FilterSet):
    """A FilterSet with a free-text `q` over `search_fields`, styled for the list pages.

    The same FilterSet serves the list page and the API, so their filters cannot drift
    apart.
    """

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="search", label="Search")

    def search(self, queryset, name, value):
        value = value.strip()
        if not value or not self.search_fields:
            return queryset
        condition = Q()
        for field in self.search_fields:
            condition |= Q(**{f"{field}__icontains": value})
        return queryset.filter(condition)

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_portal_styled", False):
            use_autocomplete(form)
            PortalFormMixin._style_widgets(form)
            for field in form.fields.values():
                if isinstance(field.widget, forms.DateInput):
                    field.widget.input_type = "date"
                widget = field.widget
                widget.attrs["class"] = (
                    widget.attrs["class"]
                    .replace("form-control", "form-control form-control-sm")
                    .replace("form-select", "form-select form-select-sm")
                )
            form._portal_styled = True
        return form
