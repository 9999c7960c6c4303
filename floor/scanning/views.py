from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def lookup(request):
    return render(request, "scanning/lookup.html", {"code": request.GET.get("code", "")})


@login_required
def selftest(request):
    return render(request, "scanning/selftest.html")
