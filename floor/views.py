import asyncio
import hashlib
import json
import re
import time

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.contrib.staticfiles import finders
from django.db import connection
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import render
from django.templatetags.static import static
from django.utils.cache import get_conditional_response
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from floor.home import work_for
from floor.odoo.models import Reconciliation, StockDifference

# A ping the channel layer has not handed back by then is a failed check, not a hung probe.
CHANNEL_LAYER_SECONDS = 2


@login_required
def home(request):
    return render(request, "home.html", {"cards": work_for(request.user, request.warehouse)})


def _check(probe) -> dict:
    started = time.perf_counter()
    try:
        detail = probe()
    except Exception as exc:  # noqa: BLE001 — the point is to report any failure, not raise it
        return {"ok": False, "error": f"{type(exc).__name__}: {exc}"[:200]}
    result = {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}
    if detail:
        result["backend"] = detail
    return result


def _database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return connection.vendor


def _broker():
    if settings.CELERY_TASK_ALWAYS_EAGER:
        return "none (tasks run in-process)"
    import redis

    redis.Redis.from_url(settings.CELERY_BROKER_URL, socket_timeout=2).ping()
    return "redis"


def _channel_layer():
    layer = get_channel_layer()

    async def ping():  # on one event loop: the pub/sub layer's channels belong to the loop
        channel = await layer.new_channel()
        await layer.send(channel, {"type": "healthz.ping"})
        return await asyncio.wait_for(layer.receive(channel), CHANNEL_LAYER_SECONDS)

    message = async_to_sync(ping)()
    if message.get("type") != "healthz.ping":
        raise RuntimeError("channel layer returned something else")
    return type(layer).__name__


def _stock_truth() -> dict:
    """How far Floor's stock and Odoo's agree: counts only (this page needs no sign-in)."""
    last = Reconciliation.objects.filter(finished_at__isnull=False).first()
    return {
        "open_differences": StockDifference.objects.filter(state=StockDifference.State.OPEN).count(),
        "last_reconciled": last.finished_at.isoformat() if last else None,
    }


@require_GET
@never_cache
def healthz(request):
    checks = {"database": _check(_database), "broker": _check(_broker), "channel_layer": _check(_channel_layer)}
    ok = all(c["ok"] for c in checks.values())
    detail = {}
    if checks["database"]["ok"]:
        detail["stock_vs_odoo"] = _stock_truth()  # a detail to watch, not a failed check
    return JsonResponse({"ok": ok, **checks, **detail}, status=200 if ok else 503)


@require_GET
def manifest(request):
    data = {
        "name": "Floor",
        "short_name": "Floor",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": "#0b3d91",
        "icons": [
            {"src": static("img/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("img/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "any maskable"},
        ],
    }
    return JsonResponse(data, content_type="application/manifest+json", json_dumps_params={"indent": 1})


SHELL = re.compile(r"const SHELL = \[.*?\];", re.S)
SHELL_NAME = re.compile(r"'/static/([^']+)'")
VERSION = re.compile(r"const VERSION = '[^']*';")


def _served_names(shell: re.Match) -> str:
    return SHELL_NAME.sub(lambda name: json.dumps(static(name.group(1))), shell.group(0))


@require_GET
def service_worker(request):
    # Served from the root so that its scope is the whole site, with the shell's names as the pages
    # link them (hashed after collectstatic), and a cache named after the whole: a deploy that
    # changes a file or the worker is a new worker, with a cache of its own.
    path = finders.find("js/sw.js")
    if path is None:
        raise Http404
    with open(path, encoding="utf-8") as script:
        source = SHELL.sub(_served_names, script.read(), count=1)
    version = hashlib.sha256(source.encode()).hexdigest()[:12]
    # The browser asks again at every navigation: unchanged, the answer is a 304.
    response = get_conditional_response(request, etag=f'"{version}"')
    if response is None:
        source = VERSION.sub(f"const VERSION = 'floor-shell-{version}';", source, count=1)
        response = HttpResponse(source, content_type="text/javascript")
    response["ETag"] = f'"{version}"'
    response["Service-Worker-Allowed"] = "/"
    response["Cache-Control"] = "no-cache"
    return response
