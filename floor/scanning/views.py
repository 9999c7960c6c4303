from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from floor.scanning.errors import ScanRejected
from floor.scanning.parser import parse, readable
from floor.scanning.selectors import describe


@login_required
def lookup(request):
    """What a scanned code is, and the stock on it or of it; the scan box stays for the next code."""
    context = {}
    if "code" in request.GET:
        try:
            scan = parse(request.GET["code"])
        except ScanRejected as rejected:
            context.update(error=rejected.message, sound=rejected.sound)
        else:
            context.update(scan=scan, shown_code=readable(scan.code, 40), **describe(scan, request.warehouse))
    # A rejection is an answer too: 200, so the page and its scan box render as usual.
    return render(request, "scanning/lookup.html", context)


@login_required
def selftest(request):
    return render(request, "scanning/selftest.html")
