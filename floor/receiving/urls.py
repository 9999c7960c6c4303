from django.urls import path  # noqa: F401 - the receiving views come next

app_name = "receiving"
urlpatterns = []
