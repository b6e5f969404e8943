import pytest
from django.apps import apps
from django.db import transaction

from portfolio.demo import seed_demo


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo, seeded once for the module inside a transaction rolled back at the end;
    each test runs in a savepoint of it."""
    with django_db_blocker.unblock():
        atomic = transaction.atomic()
        atomic.__enter__()
        portfolio = seed_demo(seed=42)
    yield portfolio
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


def table_counts() -> dict[str, int]:
    """Rows of every table, history and many-to-many tables included."""
    return {
        model._meta.label: model._default_manager.count()
        for model in apps.get_models(include_auto_created=True)
    }
