from django.db import migrations

from suppliers.reference import install_capabilities


def add(apps, schema_editor):
    install_capabilities(apps.get_model("suppliers", "Capability"))


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
