from django.urls import path

from floor.receiving import views

app_name = "receiving"
urlpatterns = [
    path("", views.receive, name="receive"),
    path("scan", views.scan, name="scan"),
    path("open/<int:receipt_id>", views.open_receipt, name="open"),
    path("leave", views.leave, name="leave"),
    path("quantity", views.quantity, name="quantity"),
    path("units", views.units, name="units"),
    path("change-lot", views.change_lot, name="change_lot"),
    path("expiry", views.expiry, name="expiry"),
    path("damaged", views.damaged, name="damaged"),
    path("approve", views.approve, name="approve"),
    path("undo", views.undo, name="undo"),
    path("close", views.close, name="close"),
    path("lines", views.lines, name="lines"),
]
