from django.urls import path

from floor.dashboard import views

app_name = "dashboard"
urlpatterns = [
    path("", views.dashboard, name="dashboard"),
    path("panels", views.panels, name="panels"),
    path("act", views.act, name="act"),
]
