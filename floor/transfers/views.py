from django.shortcuts import render


def move(request):
    return render(request, "transfers/move.html")


def scan(request):
    return render(request, "transfers/_prompt.html")
