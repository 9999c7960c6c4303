from django.urls import path

from floor.counting import accuracy_views, plan_views, views

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
    path("tasks/<int:count_id>/reassign", views.reassign, name="reassign"),
    path("accuracy/", accuracy_views.accuracy, name="accuracy"),
    path("accuracy.csv", accuracy_views.accuracy_csv, name="accuracy_csv"),
    # A supervisor's count plans
    path("plans/", plan_views.plans, name="plans"),
    path("plans/zone", plan_views.add_zone_plan, name="add_zone_plan"),
    path("plans/items", plan_views.add_item_plan, name="add_item_plan"),
    path("plans/today", plan_views.count_today, name="count_today"),
    path("plans/<int:plan_id>/stop", plan_views.stop_plan, name="stop_plan"),
    path("plans/run", plan_views.make_counts_now, name="make_counts_now"),
    path("plans/classes", plan_views.classes, name="classes"),
    path("plans/queue", plan_views.queue, name="queue"),
]
