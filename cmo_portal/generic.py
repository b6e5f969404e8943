"""Generic views shared by every record type: list, detail, edit, delete and history.

Each app's views subclass these and name their model, table, filterset and form; the
permission rules live here once. Models are expected to have a `CmoScopedQuerySet`
manager (`editable_by`, `deletable_by`) and django-simple-history's `history`.
"""

from django.contrib import messages
from django.contrib.auth.mixins import PermissionRequiredMixin
from django.db.models import ProtectedError
from django.http import HttpResponseRedirect
from django.template.loader import select_template
from django.urls import NoReverseMatch, reverse
from django.utils.functional import cached_property
from django.utils.text import capfirst
from django.views import generic
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from cmo_portal.history import history_entries


def _perm(model, action: str) -> str:
    return f"{model._meta.app_label}.{action}_{model._meta.model_name}"


def object_urls(obj) -> dict:
    """The list, edit, delete and history URLs of a record, for those that are routed."""
    meta = obj._meta
    urls = {}
    for word in ("list", "edit", "delete", "history"):
        args = [] if word == "list" else [obj.pk]
        try:
            urls[f"{word}_url"] = reverse(f"{meta.app_label}:{meta.model_name}_{word}", args=args)
        except NoReverseMatch:
            urls[f"{word}_url"] = None
    return urls


class ObjectPermissionMixin(PermissionRequiredMixin):
    """Requires the model permission of `action`; logged-in users without it get 403."""

    action = "view"
    raise_exception = True

    def get_permission_required(self):
        return [_perm(self.model, self.action)]


class ObjectListView(ObjectPermissionMixin, SingleTableMixin, FilterView):
    """A searchable, filterable, sortable, paginated list."""

    template_name = "generic/object_list.html"
    paginate_by = 25
    table_pagination = {"per_page": 25}

    def get_table_pagination(self, table):
        per_page = self.request.GET.get("per_page", "")
        size = (
            int(per_page) if per_page.isdigit() and 0 < int(per_page) <= 500 else self.paginate_by
        )
        return {"per_page": size}

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meta = self.model._meta
        context.update(
            model_meta=meta,
            title=capfirst(meta.verbose_name_plural),
            can_add=self.request.user.has_perm(_perm(self.model, "add")),
            add_url=self.get_add_url(),
            filters_active=any(
                v for k, v in self.request.GET.items() if k not in ("page", "sort", "per_page")
            ),
        )
        return context

    def get_add_url(self):
        meta = self.model._meta
        return reverse(f"{meta.app_label}:{meta.model_name}_add")


class ObjectDetailView(ObjectPermissionMixin, generic.DetailView):
    """One record, with edit and delete buttons for those who may use them."""

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        obj = self.object
        qs = type(obj)._default_manager
        user = self.request.user
        context.update(
            model_meta=obj._meta,
            can_change=qs.editable_by(user).filter(pk=obj.pk).exists(),
            can_delete=qs.deletable_by(user).filter(pk=obj.pk).exists(),
            active_tab="overview",
            **object_urls(obj),
        )
        return context


class ChangeReasonMixin:
    """Stores the form's `change_reason` on the history record of the save."""

    def form_valid(self, form):
        reason = form.cleaned_data.get("change_reason")
        if reason:
            form.instance._change_reason = reason
        return super().form_valid(form)


class ObjectEditView(ObjectPermissionMixin, ChangeReasonMixin, generic.UpdateView):
    """Create (no pk in the URL) or change a record.

    Objects the user may not change are outside the queryset, so they answer 404.
    Forms take the user, to narrow their choices (a relationship manager can only
    attach a site to a CMO of their own).
    """

    template_name = "generic/object_edit.html"

    @property
    def action(self):
        return "change" if self.kwargs.get(self.pk_url_kwarg) else "add"

    def get_queryset(self):
        return self.model._default_manager.editable_by(self.request.user)

    def get_object(self, queryset=None):
        if self.action == "add":
            return self.model(**self.get_initial_instance_fields())
        return super().get_object(queryset)

    def get_initial_instance_fields(self) -> dict:
        return {}

    def get_initial(self):
        # Prefill from the query string, e.g. ?cmo=3 from the CMO page's "Add site".
        initial = super().get_initial()
        initial.update(
            {k: v for k, v in self.request.GET.items() if k in self.get_form_class().base_fields}
        )
        return initial

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        verb = "Created" if self.action == "add" else "Saved"
        response = super().form_valid(form)
        messages.success(self.request, f"{verb} {self.model._meta.verbose_name} “{self.object}”.")
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        meta = self.model._meta
        context.update(
            model_meta=meta,
            title=(f"New {meta.verbose_name}" if self.action == "add" else f"Edit {self.object}"),
            cancel_url=self.get_cancel_url(),
        )
        return context

    def get_cancel_url(self) -> str:
        # Back to the record, else its list, else where the user came from.
        if self.object.pk:
            return self.object.get_absolute_url()
        list_url = object_urls(self.object)["list_url"]
        return list_url or self.request.META.get("HTTP_REFERER") or reverse("home")


class ObjectDeleteView(ObjectPermissionMixin, generic.DeleteView):
    action = "delete"
    template_name = "generic/object_delete.html"

    def get_queryset(self):
        return self.model._default_manager.deletable_by(self.request.user)

    def get_success_url(self):
        meta = self.model._meta
        return reverse(f"{meta.app_label}:{meta.model_name}_list")

    def form_valid(self, form):
        obj = self.object
        reason = self.request.POST.get("reason", "").strip()
        if reason:
            obj._change_reason = reason
        try:
            obj.delete()
        except ProtectedError as exc:
            blocking = sorted({str(o) for o in exc.protected_objects})[:5]
            messages.error(
                self.request,
                f"“{obj}” cannot be deleted while other records use it: {'; '.join(blocking)}.",
            )
            return HttpResponseRedirect(obj.get_absolute_url())
        messages.success(self.request, f"Deleted {obj._meta.verbose_name} “{obj}”.")
        return HttpResponseRedirect(self.get_success_url())

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "model_meta": self.model._meta}


class ObjectHistoryView(ObjectPermissionMixin, generic.DetailView):
    """Every create, change and delete of one record: who, when, what changed, why."""

    template_name = "generic/object_history.html"

    @cached_property
    def entries(self):
        return history_entries(self.object.history.all())

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            model_meta=self.object._meta,
            entries=self.entries,
            active_tab="history",
            base_template=self.get_base_template(),
            **object_urls(self.object),
        )
        return context

    def get_base_template(self):
        # Records with a page of their own show history as its tab; the others (a CAPA,
        # a supply stage) on a plain page.
        meta = self.model._meta
        return select_template(
            [f"{meta.app_label}/{meta.model_name}_base.html", "generic/object_detail.html"]
        )
