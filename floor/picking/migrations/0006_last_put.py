import django.db.models.deletion
from django.db import migrations, models


def point_at_last_puts(apps, schema_editor):
    """Pickers in the middle of a task: their last put that still counts, as Undo looks for it."""
    Picking = apps.get_model("picking", "Picking")
    PickRecord = apps.get_model("picking", "PickRecord")
    for picking in Picking.objects.exclude(task=None):
        picking.last_put_id = (
            PickRecord.objects.filter(
                pick__task_id=picking.task_id, actor_id=picking.actor_id, reverses=None, reversal__isnull=True
            )
            .order_by("-id")
            .values_list("id", flat=True)
            .first()
        )
        picking.save(update_fields=["last_put"])


class Migration(migrations.Migration):
    dependencies = [
        ("picking", "0005_short_shipment_approval"),
    ]

    operations = [
        migrations.AddField(
            model_name="picking",
            name="last_put",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to="picking.pickrecord",
            ),
        ),
        migrations.RunPython(point_at_last_puts, migrations.RunPython.noop),
    ]
