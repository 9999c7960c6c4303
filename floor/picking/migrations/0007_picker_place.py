from django.conf import settings
from django.db import migrations


class Migration(migrations.Migration):
    """A picker's place in their work was named Picking, which is Odoo's word for a transfer."""

    dependencies = [
        ("picking", "0006_last_put"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
        ("warehouse", "0005_odoo_stock_and_virtual_kinds"),
    ]

    operations = [
        migrations.RenameModel("Picking", "PickerPlace"),
    ]
