from django.urls import path

from floor.scanning import views

app_name = "scanning"
urlpatterns = [
    path("lookup/", views.lookup, name="lookup"),
    path("selftest/", views.selftest, name="selftest"),
]
