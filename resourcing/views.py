"""Pages of the oversight resource plan: workload, what-if, hiring timeline, product
budgets and phase plans, and each person's capacity profile. Views check the role, call
a selector and render."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.views import generic

from cmo_portal import roles
from resourcing import charts, effort, forms, selectors
from resourcing.models import PersonCapacity, ProductOversightBudget, ProductPhasePlan
from suppliers.models import Product

# Who reads the whole plan; relationship managers read their own workload only.
PLAN_READERS = {roles.EXECUTIVE, roles.SUPPLY_CHAIN_MANAGER, roles.ADMINISTRATOR}


def reads_whole_plan(user) -> bool:
    return user.is_superuser or bool(roles.user_roles(user) & PLAN_READERS)


class PlanReaderMixin:
    """Executives, supply chain managers and administrators; 403 for anyone else."""

    def dispatch(self, request, *args, **kwargs):
        if not reads_whole_plan(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class WorkloadView(generic.TemplateView):
    """Need against capacity per person and per role, this month and over four quarters."""

    template_name = "resourcing/workload.html"

    def get_context_data(self, **kwargs):
        user = self.request.user
        whole = reads_whole_plan(user)
        if not whole and roles.RELATIONSHIP_MANAGER not in roles.user_roles(user):
            raise PermissionDenied
        plan = selectors.ResourcePlan.load()
        people = plan.person_rows(only=None if whole else user.pk)
        role_rows = plan.role_rows() if whole else []
        peak, peak_period = plan.peak_gap()
        return super().get_context_data(
            title="Oversight workload" if whole else "My oversight workload",
            whole=whole,
            plan=plan,
            periods=plan.periods,
            people=people,
            over_count=sum(1 for p in people if p["over"]),
            role_rows=role_rows,
            gap_messages=plan.messages() if whole else [],
            total_gap=plan.total_gap_fte(),
            peak_gap=peak,
            peak_period=peak_period,
            person_chart=charts.person_figure(people, plan.quarters),
            role_chart=charts.role_figure(role_rows, plan.quarters) if whole else None,
            has_profile=PersonCapacity.objects.filter(user=user).exists(),
            **kwargs,
        )


class WhatIfView(PlanReaderMixin, generic.TemplateView):
    """The change in need a decision would bring. The form is sent by GET: nothing is
    saved."""

    template_name = "resourcing/what_if.html"

    def get_context_data(self, **kwargs):
        form = forms.WhatIfForm(self.request.GET or None)
        context = {"title": "What if…", "form": form, "result": None}
        if form.is_bound and form.is_valid():
            data = form.cleaned_data
            plan = selectors.ResourcePlan.load()
            result, impacts = selectors.decision_what_if(
                plan,
                data["kind"],
                cmo=data.get("cmo"),
                product=data.get("product"),
                stages=data.get("stages"),
                tier=data.get("tier") or "",
                phase=data.get("phase") or "",
            )
            context.update(result=result, impacts=impacts, month=plan.periods[0])
        return super().get_context_data(**context, **kwargs)


class HiringView(PlanReaderMixin, generic.TemplateView):
    """Which roles the planned products need in place by when, and the gaps."""

    template_name = "resourcing/hiring.html"

    def get_context_data(self, **kwargs):
        plan = selectors.ResourcePlan.load()
        needs = selectors.hiring_needs(plan)
        return super().get_context_data(
            title="Hiring plan",
            needs=needs,
            gap_count=sum(1 for n in needs if n.is_gap),
            chart=charts.hiring_figure(needs, plan.today),
            today=plan.today,
            **kwargs,
        )


class BudgetListView(PlanReaderMixin, generic.TemplateView):
    """Each product's oversight budget against what its CMOs' tiers require."""

    template_name = "resourcing/budgets.html"

    def get_context_data(self, **kwargs):
        plan = selectors.ResourcePlan.load()
        lines = selectors.budget_lines(plan)
        return super().get_context_data(
            title="Oversight budgets",
            lines=lines,
            short_count=sum(1 for line in lines if line.under_resourced),
            hourly_cost=selectors.HOURLY_COST,
            **kwargs,
        )


class ProductRecordEditView(generic.UpdateView):
    """Edit (or create) the one record of `model` that belongs to a product."""

    template_name = "generic/object_edit.html"
    success_url_name = ""
    title_prefix = ""

    def dispatch(self, request, *args, **kwargs):
        meta = self.model._meta
        self.product = get_object_or_404(Product, pk=kwargs["product_pk"])
        self.existing = self.model.objects.filter(product=self.product).first()
        action = "change" if self.existing else "add"
        if not request.user.has_perm(f"{meta.app_label}.{action}_{meta.model_name}"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return self.existing or self.model(product=self.product)

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        reason = form.cleaned_data.get("change_reason")
        if reason:
            form.instance._change_reason = reason
        response = super().form_valid(form)
        messages.success(self.request, f"Saved the {self.title_prefix.lower()} of {self.product}.")
        return response

    def get_success_url(self):
        return reverse(self.success_url_name)

    def get_context_data(self, **kwargs):
        return super().get_context_data(
            title=f"{self.title_prefix} of {self.product}",
            cancel_url=self.get_success_url(),
            **kwargs,
        )


class BudgetEditView(ProductRecordEditView):
    model = ProductOversightBudget
    form_class = forms.ProductOversightBudgetForm
    success_url_name = "resourcing:budgets"
    title_prefix = "Oversight budget"


class PhasePlanEditView(ProductRecordEditView):
    model = ProductPhasePlan
    form_class = forms.ProductPhasePlanForm
    success_url_name = "resourcing:hiring"
    title_prefix = "Phase plan"


class CapacityEditView(generic.UpdateView):
    """A person's capacity profile: they edit their own; administrators anyone's."""

    model = PersonCapacity
    form_class = forms.PersonCapacityForm
    template_name = "resourcing/capacity_edit.html"

    def dispatch(self, request, *args, **kwargs):
        self.person = get_object_or_404(get_user_model(), pk=kwargs.get("user_pk", request.user.pk))
        own = self.person.pk == request.user.pk
        if not own and not request.user.has_perm("resourcing.change_personcapacity"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get_object(self, queryset=None):
        return PersonCapacity.objects.filter(user=self.person).first() or PersonCapacity(
            user=self.person
        )

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "user": self.request.user}

    def form_valid(self, form):
        reason = form.cleaned_data.get("change_reason")
        if reason:
            form.instance._change_reason = reason
        form.save()
        messages.success(
            self.request, f"Saved: {form.instance.hours_per_month:g} h a month for CMO oversight."
        )
        return redirect("resourcing:workload")

    def get_context_data(self, **kwargs):
        own = self.person.pk == self.request.user.pk
        name = self.person.get_full_name() or self.person.username
        return super().get_context_data(
            title="My oversight capacity" if own else f"Oversight capacity of {name}",
            person=self.person,
            standard_month=effort.STANDARD_MONTH_HOURS,
            cancel_url=reverse("resourcing:workload"),
            **kwargs,
        )
