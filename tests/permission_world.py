"""The little world the permission matrix is walked in: the six kinds of visitor, and for
each record type one record under the relationship manager's own CMO and one under
another manager's CMO."""

import datetime

from django.urls import reverse

from cmo_portal import roles
from suppliers.models import Capability
from tests import factories as f

VISITORS = ("anonymous", "executive", "rm_own", "rm_other", "scm", "admin")


class World:
    """Records on both sides ("own" and "other") and the users who visit them."""

    def __init__(self):
        self.users = {
            "executive": f.UserFactory(username="m-exec", roles=[roles.EXECUTIVE]),
            "rm": f.UserFactory(username="m-rm", roles=[roles.RELATIONSHIP_MANAGER]),
            "other_rm": f.UserFactory(username="m-rm2", roles=[roles.RELATIONSHIP_MANAGER]),
            "scm": f.UserFactory(username="m-scm", roles=[roles.SUPPLY_CHAIN_MANAGER]),
            "admin": f.UserFactory(
                username="m-admin", roles=[roles.ADMINISTRATOR], is_staff=True, is_superuser=True
            ),
        }
        self.records = {
            "own": self._side("Own", self.users["rm"]),
            "other": self._side("Other", self.users["other_rm"]),
        }

    def _side(self, name, manager) -> dict:
        cmo = f.CmoFactory(name=f"{name} Pharma", relationship_manager=manager)
        stage = f.SupplyStageFactory(site__cmo=cmo, product__code=f"{name.upper()}-1")
        capa = f.CapaFactory(finding__audit__site=stage.site)
        contract = f.ContractFactory(cmo=cmo, reference=f"{name.upper()}-QA")
        contract.products.add(stage.product)
        records = {
            "user": manager,
            "cmo": cmo,
            "site": stage.site,
            "audit": capa.finding.audit,
            "auditfinding": capa.finding,
            "capa": capa,
            "product": stage.product,
            "supplystage": stage,
            "contract": contract,
            "obligation": f.ObligationFactory(contract=contract),
            "capability": Capability.objects.order_by("pk").first(),  # reference data
        }
        records.update(self._more(cmo, stage, manager))
        return records

    def _more(self, cmo, stage, manager) -> dict:
        """Records of the apps above suppliers and contracts, when their factories exist."""
        more = {}
        if hasattr(f, "MeasurementFactory"):
            more["measurement"] = f.MeasurementFactory(cmo=cmo)
            more["kpidefinition"] = more["measurement"].kpi
        if hasattr(f, "BusinessReviewFactory"):
            review = f.BusinessReviewFactory(cmo=cmo, owner=manager)
            more["businessreview"] = review
            more["actionitem"] = f.ActionItemFactory(review=review)
            more["stakeholderrating"] = f.StakeholderRatingFactory(review=review, rater=manager)
        if hasattr(f, "RegisteredRiskFactory"):
            more["registeredrisk"] = f.RegisteredRiskFactory(cmo=cmo)
        return more

    # Records computed from the others, made only when a route needs them.
    DERIVED = {"riskscore", "cmorisk", "productrisk", "oversightfinding", "scorecard", "import"}

    def ensure(self, key):
        if key not in self.DERIVED or key in self.records["own"]:
            return
        from django.core.files.base import ContentFile

        from kpis.models import MeasurementImport, Scorecard
        from kpis.services import scorecards_recompute
        from portfolio.models import CmoRisk, OversightFinding, ProductRisk, RiskScore
        from portfolio.services import risk_recompute

        scorecards_recompute()
        risk_recompute()
        for side in self.records.values():
            cmo, product, stage = side["cmo"], side["product"], side["supplystage"]
            side["scorecard"] = Scorecard.objects.filter(cmo=cmo).first()
            side["riskscore"] = RiskScore.objects.get(stage=stage)
            side["cmorisk"] = CmoRisk.objects.get(cmo=cmo)
            side["productrisk"] = ProductRisk.objects.get(product=product)
            side["oversightfinding"] = OversightFinding.objects.filter(cmo=cmo).first()
            upload = MeasurementImport(original_name="q3.csv", uploaded_by=side["user"])
            upload.file.save("q3.csv", ContentFile(b"cmo,kpi,period,value\n"), save=False)
            upload.save()
            side["import"] = upload

    def visitor_user(self, visitor):
        return {
            "anonymous": None,
            "executive": self.users["executive"],
            "rm_own": self.users["rm"],
            "rm_other": self.users["rm"],
            "scm": self.users["scm"],
            "admin": self.users["admin"],
        }[visitor]

    @staticmethod
    def side_for(visitor) -> str:
        # The relationship manager visits both their own records and another's; everyone
        # else is shown the other side (it makes no difference to them).
        return "own" if visitor == "rm_own" else "other"

    def record(self, key, visitor):
        return self.records[self.side_for(visitor)].get(key)


# URL keyword → the record type it names, when not the route's own.
KWARG_MODEL = {
    "cmo": "cmo",
    "product_pk": "product",
    "user_pk": "user",
    "review_pk": "businessreview",
}


def url_for(world: World, name: str, route_kwargs: list[str], model_key: str, visitor: str) -> str:
    """The concrete URL of a named route for one visitor."""
    kwargs = {}
    for kwarg in route_kwargs:
        if kwarg == "period":
            today = datetime.date.today()
            kwargs[kwarg] = f"{today.year}Q{(today.month - 1) // 3 + 1}"
        elif kwarg == "fmt":
            kwargs[kwarg] = "csv"
        elif kwarg == "source":
            kwargs[kwarg] = "cmo"
        else:
            key = KWARG_MODEL.get(kwarg, model_key)
            world.ensure(key)
            record = world.records[World.side_for(visitor)].get(key)
            if record is None:
                raise LookupError(f"the permission world has no {key!r} record for {name}")
            kwargs[kwarg] = record.pk
    return reverse(name, kwargs=kwargs)
