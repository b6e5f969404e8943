"""Read-only API of the resource plan: workload per person, gaps per role, product
budgets. Computed on request from the whole portfolio, in a fixed number of queries."""

from drf_spectacular.utils import extend_schema
from rest_framework import permissions, viewsets
from rest_framework.response import Response

from cmo_portal import roles
from resourcing import effort, selectors
from resourcing.api import serializers
from resourcing.views import reads_whole_plan


class PlanReader(permissions.BasePermission):
    """Executives, supply chain managers and administrators."""

    def has_permission(self, request, view):
        return request.user.is_authenticated and reads_whole_plan(request.user)


class OwnWorkloadReader(permissions.BasePermission):
    """Plan readers, and relationship managers for their own workload."""

    def has_permission(self, request, view):
        user = request.user
        return user.is_authenticated and (
            reads_whole_plan(user) or roles.RELATIONSHIP_MANAGER in roles.user_roles(user)
        )


class WorkloadViewSet(viewsets.ViewSet):
    """Each person's oversight need against capacity, this month and over four quarters.
    A relationship manager sees their own row only."""

    permission_classes = [OwnWorkloadReader]

    @extend_schema(responses=serializers.WorkloadAnswerSerializer)
    def list(self, request):
        plan = selectors.ResourcePlan.load()
        only = None if reads_whole_plan(request.user) else request.user.pk
        labels = {p.key: p.label for p in plan.periods}
        data = [
            {
                **row["person"].__dict__,
                "roles": row["roles"],
                "cmos": row["cmos"],
                "over": row["over"],
                "periods": [
                    {
                        **{k: c[k] for k in ("period", "need", "capacity", "over")},
                        "label": labels[c["period"]],
                        "load": None if c["load_pct"] is None else round(c["load"], 3),
                    }
                    for c in row["cells"]
                ],
            }
            for row in plan.person_rows(only=only)
        ]
        return Response(serializers.WorkloadAnswerSerializer({"results": data}).data)


class GapViewSet(viewsets.ViewSet):
    """Per role and period: total need, total capacity and the gap in hours and FTE."""

    permission_classes = [PlanReader]

    @extend_schema(responses=serializers.GapAnswerSerializer)
    def list(self, request):
        plan = selectors.ResourcePlan.load()
        rows = [
            {**r, "role_label": effort.ROLE_LABELS[r["role"]]} for r in plan.gaps.to_dict("records")
        ]
        answer = {"total_gap_fte": plan.total_gap_fte(), "results": rows}
        return Response(serializers.GapAnswerSerializer(answer).data)


class BudgetViewSet(viewsets.ViewSet):
    """Each product's oversight budget against what its CMOs' tiers require."""

    permission_classes = [PlanReader]

    @extend_schema(responses=serializers.BudgetAnswerSerializer)
    def list(self, request):
        lines = selectors.budget_lines(selectors.ResourcePlan.load())
        data = [
            {
                **line.__dict__,
                "shortfall": line.shortfall,
                "under_resourced": line.under_resourced,
            }
            for line in lines
        ]
        return Response(serializers.BudgetAnswerSerializer({"results": data}).data)
