from django.urls import path

from floor.demo import views

app_name = "demo"
urlpatterns = [
    path("labels/", views.labels, name="labels"),
]
