from cmo_portal.forms import PortalModelForm
from portfolio.models import RegisteredRisk


class RegisteredRiskForm(PortalModelForm):
    class Meta:
        model = RegisteredRisk
        fields = [
            "title",
            "description",
            "cmo",
            "product",
            "likelihood",
            "impact",
            "owner",
            "mitigation",
            "status",
            "review_date",
        ]
