"""CMO Portal: the Django project that wires the apps together."""

__version__ = "0.1.0"

from cmo_portal.celery import app as celery_app  # noqa: E402

__all__ = ["__version__", "celery_app"]
