"""Putaway: goods received at input taken to the bin Floor suggests."""

from django.urls import path

from floor.putaway import views

app_name = "putaway"
urlpatterns = [
    path("", views.putaway, name="putaway"),
    path("scan", views.scan, name="scan"),
    path("quantity", views.quantity, name="quantity"),
    path("reason", views.reason, name="reason"),
    path("undo", views.undo, name="undo"),
]
