"""Base classes for the API: validation that matches the forms, scoping that matches the
pages, and the history of every record."""

from django.core.exceptions import NON_FIELD_ERRORS
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db.models import ProtectedError
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import ValidationError
from rest_framework.response import Response
from rest_framework.settings import api_settings

from cmo_portal.history import history_entries
from suppliers.scoping import attachable


class PortalModelSerializer(serializers.ModelSerializer):
    """Runs the model's own `clean()` and constraints, so the API refuses exactly what the
    forms refuse, with the same messages, as a 400 naming the field."""

    change_reason = serializers.CharField(
        write_only=True,
        required=False,
        allow_blank=True,
        max_length=500,
        help_text="Why the record is changed; kept in its history.",
    )

    def get_fields(self):
        fields = super().get_fields()
        request = self.context.get("request")
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            for field in fields.values():
                queryset = getattr(field, "queryset", None)
                if queryset is None:
                    continue
                queryset = queryset.all()  # a manager has no `cmo_path`; its queryset has
                if hasattr(queryset, "cmo_path"):
                    field.queryset = attachable(queryset, user)
        return fields

    def validate(self, attrs):
        attrs = super().validate(attrs)
        model = self.Meta.model
        m2m = {f.name for f in model._meta.many_to_many}
        instance = model(
            **{k: v for k, v in attrs.items() if k not in m2m and k != "change_reason"}
        )
        if self.instance is not None:
            for field in model._meta.concrete_fields:
                if field.name not in attrs:
                    setattr(instance, field.attname, getattr(self.instance, field.attname))
            instance.pk = self.instance.pk
            instance._state.adding = False
        try:
            instance.clean()
            instance.validate_constraints()
        except DjangoValidationError as exc:
            errors = (
                exc.message_dict if hasattr(exc, "error_dict") else {NON_FIELD_ERRORS: exc.messages}
            )
            non_field = errors.pop(NON_FIELD_ERRORS, None)
            if non_field:
                errors[api_settings.NON_FIELD_ERRORS_KEY] = non_field
            raise ValidationError(errors) from exc
        return attrs

    def create(self, validated_data):
        validated_data.pop("change_reason", "")
        return super().create(validated_data)

    def update(self, instance, validated_data):
        reason = validated_data.pop("change_reason", "")
        if reason:
            instance._change_reason = reason
        return super().update(instance, validated_data)


class HistoryEntrySerializer(serializers.Serializer):
    date = serializers.DateTimeField()
    action = serializers.CharField()
    user = serializers.CharField(allow_null=True)
    reason = serializers.CharField()
    changes = serializers.ListField(child=serializers.DictField())


class ScopedModelViewSet(viewsets.ModelViewSet):
    """Reads see every record the role may view; writes reach only the records the user
    may change (404 otherwise). Deleting a record that others still use answers 409."""

    def get_queryset(self):
        queryset = super().get_queryset()
        user = self.request.user
        if self.action in ("update", "partial_update"):
            return queryset.editable_by(user)
        if self.action == "destroy":
            return queryset.deletable_by(user)
        return queryset

    def perform_destroy(self, instance):
        reason = self.request.query_params.get("reason", "").strip()
        if reason:
            instance._change_reason = reason
        instance.delete()

    def destroy(self, request, *args, **kwargs):
        try:
            return super().destroy(request, *args, **kwargs)
        except ProtectedError as exc:
            blocking = sorted({str(o) for o in exc.protected_objects})[:5]
            return Response(
                {"detail": "Other records still use this one.", "protected_by": blocking},
                status=status.HTTP_409_CONFLICT,
            )

    @extend_schema(
        responses=inline_serializer("HistoryPage", {"results": HistoryEntrySerializer(many=True)})
    )
    @action(detail=True, methods=["get"])
    def history(self, request, pk=None):
        """Every create, change and delete of this record: who, when, what, why."""
        obj = self.get_object()
        entries = history_entries(obj.history.all())
        data = [
            {
                "date": e.date,
                "action": e.action,
                "user": e.user.username if e.user else None,
                "reason": e.reason,
                "changes": [{"field": c.field, "old": c.old, "new": c.new} for c in e.changes],
            }
            for e in entries
        ]
        return Response({"results": HistoryEntrySerializer(data, many=True).data})
