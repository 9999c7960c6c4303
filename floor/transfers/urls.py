from django.urls import path

from floor.transfers import views

app_name = "transfers"
urlpatterns = [
    path("", views.move, name="move"),
    path("scan", views.scan, name="scan"),
    path("quantity", views.quantity, name="quantity"),
    path("undo", views.undo, name="undo"),
]
