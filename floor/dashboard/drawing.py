"""The panels' figures and their drawing, shared by every dashboard open on a warehouse: twenty
supervisors' screens told of the same scan would each want the same figures at the same moment,
and working them out and drawing them costs tens of milliseconds of CPU. So the panels are drawn
once when the floor changes (`prepare`, on `events.floor_changing`: on Redis in the `live` Celery
worker, floor/dashboard/tasks.py), for each language a dashboard of the warehouse asked in in the
last WANTED_SECONDS, and the drawing goes to the dashboards in the websocket message itself
(floor/consumers.py gives each its language's): a web process, where the scans run, neither
draws for a dashboard nor answers one while the floor moves. A dashboard that got no drawing (it
opened in a new language, or its message was cut) asks for one (`panels`): a drawing serves it
when it was begun after the change it heard of (`since`, the server's clock in the message) and
is not older than FRESH_SECONDS; else the request draws it."""

import time

from django.conf import settings
from django.core.cache import cache
from django.db import connections
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from floor import plots
from floor.dashboard import actions, cached, exceptions, now, people, sync, throughput
from floor.warehouse.models import Warehouse

FRESH_SECONDS = 5.0
WANTED_SECONDS = 60


def _plots(hours: throughput.Throughput, weeks: list) -> dict:
    """The plots of the figures the tables beside them show."""
    today, last_week = _("Today"), _("Same day last week")
    right, units = _("Bins right first time"), _("Units right")
    return {
        "throughput": plots.count_lines(
            ident="plot-throughput",
            title=_("Lines picked by hour"),
            labels=[f"{hour.hour:02d}" for hour in hours.hours],
            series=[
                (today, [hour.today for hour in hours.hours]),
                (last_week, [hour.last_week for hour in hours.hours]),
            ],
        ),
        "accuracy": plots.percent_lines(
            ident="plot-accuracy",
            title=_("Accuracy by week"),
            labels=[figures.label for _monday, figures in weeks],
            series=[
                (right, [figures.right_percent for _monday, figures in weeks]),
                (units, [figures.units_percent for _monday, figures in weeks]),
            ],
        ),
    }


PEOPLE_SECONDS = 10


def figures(warehouse) -> dict:
    """Everything the panels show, for the warehouse."""
    hours, weeks = throughput.recent_throughput(warehouse), throughput.recent_accuracy(warehouse)
    return {
        "warehouse": warehouse,
        "work": now.open_work(warehouse),
        "waves": now.waves(warehouse),
        # Who is on what: worked out every PEOPLE_SECONDS (300 people cost ~60 ms of CPU), not for
        # each drawing of the panels, which the scans ask for every second.
        "people": cached.recent("people", warehouse.pk, lambda: people.people(warehouse), PEOPLE_SECONDS),
        "stream": actions.undismissed(warehouse, exceptions.stream(warehouse)),
        "sync": sync.health(warehouse),
        "throughput": hours,
        "accuracy_weeks": weeks,
        "plots": _plots(hours, weeks),
        "updated": timezone.localtime(),
    }


def _key(warehouse_id: int, language: str) -> str:
    return f"dashboard:{warehouse_id}:{language}"


def wanted(warehouse_id: int, language: str) -> None:
    """A dashboard of the warehouse is open in `language`: draw the panels in it when the floor
    changes, for the next WANTED_SECONDS (each request of a dashboard renews it)."""
    cache.set(f"{_key(warehouse_id, language)}:wanted", 1, WANTED_SECONDS)


def _draw(warehouse: Warehouse, language: str) -> str:
    with translation.override(language):
        begun = time.time()
        html = render_to_string("dashboard/_panels.html", figures(warehouse))
    cache.set(_key(warehouse.pk, language), (begun, html), timeout=60)
    return html


def panels(warehouse: Warehouse, language: str, *, since: float) -> str:
    """The panels' HTML as of `since` (seconds since the epoch; 0: any fresh drawing)."""
    wanted(warehouse.pk, language)
    found = cache.get(_key(warehouse.pk, language))
    if found is not None and found[0] >= max(since, time.time() - FRESH_SECONDS):
        return found[1]
    return _draw(warehouse, language)


def prepare(sender, *, warehouse_id: int, own_thread: bool, **kwargs) -> dict:
    """The floor changed and its dashboards are about to hear of it: draw their panels now, in the
    languages they are open in, to go in the message (`{"panels": {language: html}}`). `own_thread`:
    in the timer's thread, whose database connection is closed after."""
    languages = [code for code, _name in settings.LANGUAGES if cache.get(f"{_key(warehouse_id, code)}:wanted")]
    if not languages:
        return {}  # nobody is watching: nothing to draw
    try:
        warehouse = Warehouse.objects.get(pk=warehouse_id)
        return {"panels": {language: _draw(warehouse, language) for language in languages}}
    finally:
        if own_thread:
            connections.close_all()  # this thread's only
