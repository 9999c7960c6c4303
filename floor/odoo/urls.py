from django.urls import path

from floor.odoo import views

app_name = "odoo"
urlpatterns = [
    path("operations/", views.operations, name="operations"),
    path("operations/<int:operation_id>/retry", views.retry, name="retry"),
    path("exceptions/", views.exceptions, name="exceptions"),
    path("exceptions/<int:exception_id>/resolve", views.resolve, name="resolve_exception"),
]
