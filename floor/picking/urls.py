"""Picking on the handheld: get work, bind totes, walk the stops."""

from django.urls import path

from floor.picking import views

app_name = "picking"
urlpatterns = [
    path("", views.pick, name="pick"),
    path("work", views.work, name="work"),
    path("scan", views.scan, name="scan"),
    path("quantity", views.quantity, name="quantity"),
    path("short", views.short, name="short"),
    path("skip", views.skip, name="skip"),
    path("undo", views.undo, name="undo"),
    path("leave", views.leave, name="leave"),
    path("lines", views.lines, name="lines"),
    path("offline.json", views.offline_task, name="offline"),
]
