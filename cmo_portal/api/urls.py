"""One router for the whole API; each app registers its viewsets in `<app>/api/urls.py`."""

from rest_framework.routers import DefaultRouter

from contracts.api.urls import register as register_contracts
from kpis.api.urls import register as register_kpis
from portfolio.api.urls import register as register_portfolio
from resourcing.api.urls import register as register_resourcing
from reviews.api.urls import register as register_reviews
from suppliers.api.urls import register as register_suppliers

router = DefaultRouter()
router.include_format_suffixes = False  # one URL per resource: JSON by content negotiation
register_suppliers(router)
register_contracts(router)
register_kpis(router)
register_reviews(router)
register_portfolio(router)
register_resourcing(router)

urlpatterns = router.urls
