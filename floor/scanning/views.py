from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from floor.errors import ScanRejected
from floor.scanning.flow import no_warehouse
from floor.scanning.parser import parse, readable
from floor.scanning.selectors import describe


@login_required
def lookup(request):
    """What a scanned code is, and the stock on it or of it; the scan box stays for the next code."""
    context = {}
    if "code" in request.GET:
        try:
            if request.warehouse is None:  # nothing of any warehouse to show
                raise no_warehouse()
            scan = parse(request.GET["code"], warehouse=request.warehouse)
            context.update(
                scan=scan, shown_code=readable(scan.code, 40), **describe(scan=scan, warehouse=request.warehouse)
            )
        except ScanRejected as rejected:
            context.update(error=rejected.message, sound=rejected.sound)
    # A rejection is an answer too: 200, so the page and its scan box render as usual.
    return render(request, "scanning/lookup.html", context)


@login_required
def selftest(request):
    return render(request, "scanning/selftest.html")
