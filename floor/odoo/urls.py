from django.urls import path

from floor.odoo import views

app_name = "odoo"
urlpatterns = [
    path("operations/", views.operations, name="operations"),
    path("operations/<int:operation_id>/retry", views.retry, name="retry"),
    path("exceptions/", views.exceptions, name="exceptions"),
    path("exceptions/<int:exception_id>/resolve", views.resolve, name="resolve_exception"),
    path("differences/", views.differences, name="differences"),
    path("differences/<int:difference_id>/<str:action>", views.act_on_difference, name="act_on_difference"),
]
