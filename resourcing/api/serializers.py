from drf_spectacular.utils import extend_schema_serializer
from rest_framework import serializers


class PeriodLoadSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="month, q1 (the current quarter) … q4")
    label = serializers.CharField(help_text="e.g. “Q2 2026”")
    need = serializers.FloatField(help_text="Hours of oversight needed.")
    capacity = serializers.FloatField(help_text="Hours the person can give.")
    load = serializers.FloatField(allow_null=True, help_text="Need ÷ capacity; null: none.")
    over = serializers.BooleanField(help_text="Over 100 % of capacity.")


class PersonWorkloadSerializer(serializers.Serializer):
    person_id = serializers.IntegerField()
    name = serializers.CharField()
    username = serializers.CharField()
    groups = serializers.ListField(child=serializers.CharField())
    capacity_per_month = serializers.FloatField()
    has_profile = serializers.BooleanField()
    roles = serializers.ListField(child=serializers.CharField())
    cmos = serializers.ListField(child=serializers.CharField())
    over = serializers.BooleanField()
    periods = PeriodLoadSerializer(many=True)


class RoleGapSerializer(serializers.Serializer):
    role = serializers.CharField()
    role_label = serializers.CharField()
    period = serializers.CharField()
    label = serializers.CharField()
    need = serializers.FloatField()
    capacity = serializers.FloatField()
    unassigned = serializers.FloatField(help_text="Hours of the role nobody is assigned to.")
    gap_hours = serializers.FloatField()
    gap_fte = serializers.FloatField()
    message = serializers.CharField(help_text="e.g. “0.6 FTE of process expertise short in Q2”")


class BudgetLineSerializer(serializers.Serializer):
    product_id = serializers.IntegerField()
    code = serializers.CharField()
    name = serializers.CharField()
    phase = serializers.CharField()
    cmos = serializers.ListField(child=serializers.CharField())
    budget_hours = serializers.FloatField(allow_null=True)
    required_hours = serializers.FloatField()
    shortfall = serializers.FloatField()
    under_resourced = serializers.BooleanField()


# The answers are objects, not bare lists: room for totals beside the rows, and the same
# `results` key as the paginated lists of the rest of the API. `many=False` tells the
# schema so, which would otherwise wrap a `list` action's answer in an array.


@extend_schema_serializer(many=False)
class WorkloadAnswerSerializer(serializers.Serializer):
    results = PersonWorkloadSerializer(many=True)


@extend_schema_serializer(many=False)
class GapAnswerSerializer(serializers.Serializer):
    total_gap_fte = serializers.FloatField(help_text="FTE short over all roles this quarter.")
    results = RoleGapSerializer(many=True)


@extend_schema_serializer(many=False)
class BudgetAnswerSerializer(serializers.Serializer):
    results = BudgetLineSerializer(many=True)
