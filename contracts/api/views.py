from rest_framework.parsers import FormParser, JSONParser, MultiPartParser

from cmo_portal.api.base import ScopedModelViewSet
from contracts import filters
from contracts.api import serializers
from contracts.models import Contract, Obligation


class ContractViewSet(ScopedModelViewSet):
    queryset = Contract.objects.with_status().prefetch_related("products", "obligations")
    serializer_class = serializers.ContractSerializer
    filterset_class = filters.ContractFilterSet
    parser_classes = [JSONParser, MultiPartParser, FormParser]
    ordering_fields = ["reference", "effective_date", "expiry_date", "value"]


class ObligationViewSet(ScopedModelViewSet):
    queryset = Obligation.objects.all()
    serializer_class = serializers.ObligationSerializer
    filterset_class = filters.ObligationFilterSet
    ordering_fields = ["due_date", "status"]
