import pytest

from cmo_portal.celery import app as celery_app


@pytest.mark.django_db
def test_healthz_is_public_and_reports_database_and_broker(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok", "broker": "ok"}


@pytest.mark.django_db
def test_healthz_answers_503_when_the_broker_is_unreachable(client):
    original = celery_app.conf.broker_url
    celery_app.conf.broker_url = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    try:
        response = client.get("/healthz")
    finally:
        celery_app.conf.broker_url = original
    assert response.status_code == 503
    assert response.json()["broker"] == "down"
    assert response.json()["database"] == "ok"


@pytest.mark.django_db
def test_friendly_404_page(client_for, scm):
    response = client_for(scm).get("/suppliers/cmos/999999/")
    assert response.status_code == 404
    assert b"does not exist" in response.content


@pytest.mark.django_db
def test_footer_shows_the_version(client_for, scm):
    from cmo_portal import __version__

    assert f"CMO Portal {__version__}".encode() in client_for(scm).get("/suppliers/cmos/").content
