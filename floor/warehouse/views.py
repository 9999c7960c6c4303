from django.contrib.auth.decorators import login_required
from django.shortcuts import render


@login_required
def labels(request):
    return render(request, "warehouse/labels.html")
