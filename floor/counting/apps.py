from django.apps import AppConfig


class CountingConfig(AppConfig):
    name = "floor.counting"
    label = "counting"

    def ready(self):
        from celery.signals import task_postrun
        from django.core.signals import request_finished, request_started

        from floor.counting import triggers
        from floor.ledger.signals import stock_refused

        stock_refused.connect(triggers.remember_refusal, dispatch_uid="count-refused-bin")
        # A refusal rolls its transaction back: its count is raised after the request or task.
        request_started.connect(triggers.forget_refusals, dispatch_uid="count-refused-forget")
        request_finished.connect(triggers.raise_refused_counts, dispatch_uid="count-refused-raise")
        task_postrun.connect(triggers.raise_refused_counts, dispatch_uid="count-refused-raise-task")
