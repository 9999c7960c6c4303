import pytest


@pytest.fixture(autouse=True)
def _labels_sent_in_process():
    """Labels reach the printer through a Celery task. Run it in the test's process, as the
    embedded run does: with Redis, no worker would take it off the queue here."""
    from floor.celery import app

    before = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = before
