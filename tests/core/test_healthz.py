import pytest
from django.core.exceptions import ImproperlyConfigured

pytestmark = pytest.mark.django_db


def test_healthz_reports_database_broker_and_channel_layer(client):
    response = client.get("/healthz")
    body = response.json()
    assert response.status_code == 200 and body["ok"] is True
    assert set(body) >= {"database", "broker", "channel_layer"}
    assert all(body[part]["ok"] for part in ("database", "broker", "channel_layer"))


def test_healthz_answers_503_when_the_broker_is_unreachable(client, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = False
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens there
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["broker"]["ok"] is False


def test_floor_refuses_to_start_on_the_default_secret_without_debug(monkeypatch):
    import importlib

    import floor.settings

    monkeypatch.setenv("DEBUG", "0")
    monkeypatch.delenv("SECRET_KEY", raising=False)
    try:
        with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
            importlib.reload(floor.settings)
    finally:
        monkeypatch.undo()
        importlib.reload(floor.settings)


def test_the_web_app_manifest_and_service_worker_are_served_from_the_root(client):
    manifest = client.get("/manifest.webmanifest")
    assert manifest.status_code == 200 and manifest.json()["start_url"] == "/"
    worker = client.get("/sw.js")
    assert worker.status_code == 200 and worker["Service-Worker-Allowed"] == "/"
