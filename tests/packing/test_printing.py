"""Labels to the station's printer over raw TCP: sent, failed with the reason, retried."""

import pytest
from celery.exceptions import Retry
from django.utils import translation

from floor.packing import printing, zpl
from floor.packing.models import PrintJob
from floor.packing.tasks import send_print_job
from tests import factories
from tests.packing import label_factories as make
from tests.packing.devices import FakePrinter, closed_port

pytestmark = pytest.mark.django_db

State = PrintJob.State


@pytest.fixture(autouse=True)
def _english():
    with translation.override("en"):
        yield


@pytest.fixture
def wh():
    return factories.warehouse()


def carton_at(wh, **printer):
    return make.closed_carton(make.station(wh, **printer))


def test_a_label_goes_to_the_printer_after_commit_byte_for_byte(wh, django_capture_on_commit_callbacks):
    with FakePrinter() as printer:
        carton = carton_at(wh, printer_host=printer.host, printer_port=printer.port)
        with django_capture_on_commit_callbacks(execute=True):
            job = printing.print_carton_label(carton=carton)
            assert job.state == State.QUEUED and printer.received == []  # nothing before commit
        job.refresh_from_db()
        assert printer.received == [zpl.carton_label(carton).encode("utf-8")]
    assert (job.state, job.attempts, job.last_error) == (State.SENT, 1, "")
    assert job.sent_at is not None and job.zpl == zpl.carton_label(carton)


def test_a_station_without_a_printer_prints_from_the_preview(wh):
    carton = carton_at(wh, printer_host="")
    assert printing.print_carton_label(carton=carton) is None
    assert not PrintJob.objects.exists()


def test_a_printer_that_refuses_shows_failed_with_the_reason(wh):
    port = closed_port()
    carton = carton_at(wh, printer_host="127.0.0.1", printer_port=port)
    job = PrintJob.objects.create(station=carton.station, carton=carton, zpl=zpl.carton_label(carton))

    printing.send(job)

    job.refresh_from_db()
    assert (job.state, job.attempts, job.sent_at) == (State.FAILED, 1, None)
    assert job.last_error == f"Connection refused (127.0.0.1:{port})"


def test_a_printer_that_does_not_answer_fails_after_the_station_timeout(wh, settings, monkeypatch):
    settings.STATION_TIMEOUT_SECONDS = 0.5
    asked = []

    def no_answer(address, timeout):
        asked.append((address, timeout))
        raise TimeoutError("timed out")

    monkeypatch.setattr(printing.socket, "create_connection", no_answer)
    carton = carton_at(wh, printer_host="printer-7.local", printer_port=9100)
    job = PrintJob.objects.create(station=carton.station, carton=carton, zpl="^XA^XZ")

    printing.send(job)

    assert asked == [(("printer-7.local", 9100), 0.5)]
    assert (job.state, job.last_error) == (State.FAILED, "no answer within 0.5 s (printer-7.local:9100)")


def test_run_eagerly_the_task_tries_once_and_leaves_the_retry_to_a_person(wh, django_capture_on_commit_callbacks):
    carton = carton_at(wh, printer_host="127.0.0.1", printer_port=closed_port())
    with django_capture_on_commit_callbacks(execute=True):
        job = printing.print_carton_label(carton=carton)
    job.refresh_from_db()
    assert (job.state, job.attempts) == (State.FAILED, 1)
    assert "Connection refused" in job.last_error


def test_on_a_worker_the_task_tries_three_more_times_2_4_8_s_apart_then_leaves_it_failed(wh, monkeypatch):
    carton = carton_at(wh, printer_host="127.0.0.1", printer_port=closed_port())
    job = PrintJob.objects.create(station=carton.station, carton=carton, zpl="^XA^XZ")
    waits = []

    def retry(*, countdown):
        waits.append(countdown)
        return Retry(when=countdown)

    monkeypatch.setattr(send_print_job, "retry", retry)
    for retries in range(4):  # as a worker runs it: the first delivery, then each retry
        send_print_job.push_request(retries=retries, is_eager=False, called_directly=False)
        try:
            if retries < 3:
                with pytest.raises(Retry):
                    send_print_job.run(job.pk)
            else:
                send_print_job.run(job.pk)  # the last try: no more retries
        finally:
            send_print_job.pop_request()

    job.refresh_from_db()
    assert waits == [2, 4, 8]
    assert (job.state, job.attempts) == (State.FAILED, 4)
    assert send_print_job.queue == "default"


def test_a_retry_after_the_printer_comes_up_sends_and_shows_sent(wh, django_capture_on_commit_callbacks):
    port = closed_port()
    carton = carton_at(wh, printer_host="127.0.0.1", printer_port=port)
    with django_capture_on_commit_callbacks(execute=True):
        job = printing.print_carton_label(carton=carton)
    job.refresh_from_db()
    assert job.state == State.FAILED

    with FakePrinter(port=port) as printer:
        with django_capture_on_commit_callbacks(execute=True):
            printing.retry(job)
        job.refresh_from_db()
        assert printer.received == [job.zpl.encode()]
    assert (job.state, job.attempts, job.last_error) == (State.SENT, 2, "")


def test_a_label_already_sent_is_not_sent_twice(wh, django_capture_on_commit_callbacks):
    with FakePrinter() as printer:
        carton = carton_at(wh, printer_host=printer.host, printer_port=printer.port)
        with django_capture_on_commit_callbacks(execute=True):
            job = printing.print_carton_label(carton=carton)
        with django_capture_on_commit_callbacks(execute=True):
            printing.retry(job)
        send_print_job.delay(job.pk)  # a late task retry after a person's retry got through
        assert len(printer.received) == 1


def test_the_test_label_is_sent_at_once(wh):
    with FakePrinter() as printer:
        station = make.station(wh, name="PACK-7", printer_host=printer.host, printer_port=printer.port)
        job = printing.print_test_label(station=station)
        assert job.state == State.SENT and job.carton is None
        [received] = printer.received
    assert b"^FDStation PACK-7^FS" in received
