"""The recompute after a change: scheduled on commit, once for a burst of saves, and never
by its own writes; the task and the management command."""

import pytest
from django.core.cache import cache
from django.core.management import call_command

from portfolio import signals, tasks
from portfolio.models import CmoRisk
from tests.factories import CmoFactory, SiteFactory, SupplyStageFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def clear_pending():
    cache.delete(signals.pending_key())
    yield
    cache.delete(signals.pending_key())


class Scheduled:
    """The risk recomputes handed to the broker (see the `published` fixture)."""

    def __init__(self, published):
        self.published = published

    @property
    def calls(self):
        return [
            opts
            for name, _, opts in self.published
            if name == "portfolio.tasks.risk_recompute_task"
        ]

    @property
    def call_count(self):
        return len(self.calls)


@pytest.fixture
def scheduled(published):
    return Scheduled(published)


def test_a_burst_of_saves_schedules_one_recompute_after_commit(
    scheduled, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        site = SiteFactory()
        SupplyStageFactory(site=site)
        site.open_483 = True
        site.save()
    assert scheduled.call_count == 0  # nothing before the commit
    for callback in callbacks:
        callback()
    assert scheduled.calls == [{"countdown": signals.DEBOUNCE_SECONDS}]


def test_the_recompute_does_not_trigger_itself(scheduled, django_capture_on_commit_callbacks):
    SupplyStageFactory()
    cache.delete(signals.pending_key())
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        tasks.risk_recompute_task.apply()  # writes tiers, scores and findings in bulk
    assert callbacks == []
    assert scheduled.call_count == 0


def test_the_task_clears_the_debounce_so_later_changes_schedule_again(
    scheduled, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        CmoFactory()
    result = tasks.risk_recompute_task.apply().get()
    assert result["cmos"] == 1
    with django_capture_on_commit_callbacks(execute=True):
        CmoFactory()
    assert scheduled.call_count == 2


def test_task_declares_its_retry_policy():
    task = tasks.risk_recompute_task
    assert task.acks_late and task.retry_backoff and task.retry_jitter
    assert task.max_retries == 5 and task.time_limit and task.soft_time_limit


def test_management_command(capsys):
    CmoFactory()
    call_command("recompute_risk")
    assert CmoRisk.objects.count() == 1
    assert "1 CMOs" in capsys.readouterr().out


def test_the_nightly_recompute_is_in_the_schedule():
    from cmo_portal.schedule import SCHEDULE

    entry = next(e for e in SCHEDULE if e.task == "portfolio.tasks.risk_recompute_task")
    assert entry.hour == "2" and entry.why


def test_a_scorecard_recompute_schedules_a_risk_recompute(
    scheduled, django_capture_on_commit_callbacks
):
    from kpis.models import KpiDefinition
    from kpis.services import scorecards_recompute
    from tests.factories import MeasurementFactory

    cmo = CmoFactory()
    MeasurementFactory(
        cmo=cmo, kpi=KpiDefinition.objects.get(code="otif")
    )  # not committed: no trigger
    with django_capture_on_commit_callbacks(execute=True):
        scorecards_recompute([cmo.pk])  # bulk writes send no post_save; the kpis signal says it
    assert scheduled.call_count == 1
