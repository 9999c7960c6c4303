"""Packing on the station's scanner: station, tote, items, cartons, close."""

from django.urls import path

from floor.packing import views

app_name = "packing"
urlpatterns = [
    path("", views.pack, name="pack"),
    path("scan", views.scan, name="scan"),
    path("carton", views.carton, name="carton"),
    path("close-carton", views.close_carton, name="close_carton"),
    path("weight", views.weight, name="weight"),
    path("quantity", views.quantity, name="quantity"),
    path("scale", views.read_scale, name="scale"),
    path("approve", views.approve, name="approve"),
    path("undo", views.undo, name="undo"),
    path("done", views.done, name="done"),
    path("leave", views.leave, name="leave"),
    path("lines", views.lines, name="lines"),
]
