"""Celery tasks: thin wrappers around the printing service."""

from celery import shared_task

from floor.packing import printing
from floor.packing.models import PrintJob


@shared_task(bind=True, queue="default", ignore_result=True, max_retries=3)
def send_print_job(self, job_id: int) -> None:
    """Send a label. On a worker, a printer that is away gets three more tries (2, 4, 8 s apart),
    then the job stays failed for a person's retry. Run eagerly (the embedded run, no broker) it
    is one try: the packer's request would otherwise wait out every retry."""
    job = printing.send_job(job_id)
    if job is None or job.state != PrintJob.State.FAILED or self.request.is_eager:
        return
    if self.request.retries < self.max_retries:
        raise self.retry(countdown=printing.backoff(self.request.retries))
