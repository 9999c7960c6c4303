from django.urls import path  # noqa: F401 - the putaway views come next

app_name = "putaway"
urlpatterns = []
