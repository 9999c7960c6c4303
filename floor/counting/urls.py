from django.urls import path

from floor.counting import accuracy_views, views

app_name = "counting"
urlpatterns = [
    path("", views.count, name="count"),
    path("work", views.work, name="work"),
    path("scan", views.scan, name="scan"),
    path("quantity", views.quantity, name="quantity"),
    path("undo", views.undo, name="undo"),
    path("empty", views.empty, name="empty"),
    path("done", views.done, name="done"),
    path("approvals/", views.approvals, name="approvals"),
    path("approvals/<int:count_id>/", views.approval, name="approval"),
    path("accuracy/", accuracy_views.accuracy, name="accuracy"),
    path("accuracy.csv", accuracy_views.accuracy_csv, name="accuracy_csv"),
]
