"""Installs the standard KPI set of BRIEF.md (kpis/reference.py). Weights sum to 100."""

from django.db import migrations

from kpis.reference import STANDARD_KPIS, install_standard_kpis


def install(apps, schema_editor):
    install_standard_kpis(apps.get_model("kpis", "KpiDefinition"))


def remove(apps, schema_editor):
    apps.get_model("kpis", "KpiDefinition").objects.filter(
        code__in=[row[0] for row in STANDARD_KPIS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("kpis", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
