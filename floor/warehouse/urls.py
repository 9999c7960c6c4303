from django.urls import path

from floor.warehouse import views

app_name = "warehouse"
urlpatterns = [
    path("labels/", views.labels, name="labels"),
]
