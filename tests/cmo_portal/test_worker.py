import pytest
from django.core.management import call_command

from cmo_portal.tasks import worker_diagnostic

# Committed transactions so the worker sees the data. The flush after each such test is
# followed by post_migrate, which reinstalls roles and reference data.
worker_db = pytest.mark.django_db(transaction=True)


@pytest.mark.worker
@worker_db
def test_a_task_runs_on_a_real_worker_over_redis(celery_worker_process):
    result = worker_diagnostic.delay()
    answer = result.get(timeout=30)
    assert answer["database"] is True
    assert result.status == "SUCCESS"


@pytest.mark.worker
def test_check_worker_command_reports_the_answering_worker(
    celery_worker_process, transactional_db, capsys
):
    call_command("check_worker", timeout=30)
    assert "answered; database reachable: True" in capsys.readouterr().out
