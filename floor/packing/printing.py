"""Labels to a station's printer: raw ZPL over TCP (port 9100), recorded as print jobs a person
can see and send again."""

import socket

from celery import current_app
from django.conf import settings
from django.utils import timezone

from floor.packing import zpl
from floor.packing.models import PrintJob, Station

State = PrintJob.State


def print_carton_label(*, carton, total: int | None = None) -> PrintJob | None:
    """Queue a closed carton's label for its station's printer; it is sent once the caller's
    transaction commits. None when the station has no printer: the preview page prints it."""
    station = carton.station
    if not station.printer_host:
        return None
    job = PrintJob.objects.create(station=station, carton=carton, zpl=zpl.carton_label(carton, total=total))
    _send_after_commit(job)
    return job


def print_test_label(*, station: Station) -> PrintJob:
    """A small label sent now, so the supervisor sees at once whether the printer answers."""
    job = PrintJob.objects.create(station=station, zpl=zpl.printer_test_label(station))
    return send(job)


def retry(job: PrintJob) -> PrintJob:
    """A person's retry: the job is queued again and sent after commit (with the task's own
    retries). A label already sent is left alone."""
    # Read the state where it is kept: the task may have sent the label since `job` was loaded.
    if PrintJob.objects.filter(pk=job.pk).exclude(state=State.SENT).update(state=State.QUEUED):
        _send_after_commit(job)
    job.refresh_from_db()
    return job


def send(job: PrintJob) -> PrintJob:
    """One attempt: connect, write the ZPL, close. A printer that refuses, times out or cannot be
    reached leaves the job failed with the reason; anything else is a bug and is raised."""
    station = job.station
    job.attempts += 1
    try:
        with socket.create_connection(
            (station.printer_host, station.printer_port), timeout=settings.STATION_TIMEOUT_SECONDS
        ) as connection:
            # UTF-8, as the label's ^CI28 tells the printer.
            connection.sendall(job.zpl.encode("utf-8"))
    except OSError as error:
        job.state, job.last_error, job.failed_at = State.FAILED, _reason(error, station), timezone.now()
    else:
        job.state, job.sent_at, job.last_error = State.SENT, timezone.now(), ""
    job.save(update_fields=["state", "attempts", "last_error", "sent_at", "failed_at"])
    return job


def send_job(job_id: int) -> PrintJob | None:
    """Send a job by id, unless it went out meanwhile (a person's retry beat the task's)."""
    job = PrintJob.objects.select_related("station").filter(pk=job_id).first()
    if job is None or job.state == State.SENT:
        return job
    return send(job)


def backoff(retries: int) -> int:
    """Seconds before the task's next try: 2, 4, 8."""
    return 2 ** (retries + 1)


def _reason(error: OSError, station: Station) -> str:
    # Short and plain: the host and what the network said; no traceback, nothing from settings.
    if isinstance(error, TimeoutError):
        said = f"no answer within {settings.STATION_TIMEOUT_SECONDS:g} s"
    else:
        said = error.strerror or str(error) or type(error).__name__
    return f"{said} ({station.printer_host}:{station.printer_port})"[:300]


def _send_after_commit(job: PrintJob) -> None:
    # The task (floor/packing/tasks.py) calls this module: found by the name Celery registered it under.
    current_app.tasks["floor.packing.tasks.send_print_job"].delay_on_commit(job.pk)
