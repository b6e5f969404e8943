from django.db import migrations

from resourcing.reference import install_effort_model


def add(apps, schema_editor):
    install_effort_model(
        apps.get_model("resourcing", "EffortRate"), apps.get_model("resourcing", "EventEffort")
    )


class Migration(migrations.Migration):
    dependencies = [("resourcing", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
