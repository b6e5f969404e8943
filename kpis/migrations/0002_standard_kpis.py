"""Installs the standard KPI set of BRIEF.md. Weights sum to 100."""

from decimal import Decimal as D

from django.db import migrations

# code, name, category, unit, direction, target, amber, red, weight, roll-up, how measured
STANDARD_KPIS = [
    ("otif", "OTIF delivery", "delivery", "%", "higher", D(95), D(90), D(85), D(15), "mean",
     "Deliveries on the agreed date and in the agreed quantity ÷ deliveries, in %."),
    ("rft", "Right first time", "quality", "%", "higher", D(98), D(95), D(90), D(15), "mean",
     "Batches released without deviation or rework ÷ batches released, in %."),
    ("disposition_time", "Batch disposition cycle time", "quality", "days", "lower",
     D(30), D(40), D(50), D(10), "mean",
     "Days from the end of manufacture to the QP / QA release decision, mean per batch."),
    ("deviation_rate", "Deviation rate", "quality", "%", "lower", D(5), D(10), D(15), D(10),
     "mean", "Deviations raised ÷ batches manufactured, in %."),
    ("capa_on_time", "CAPA on-time closure", "compliance", "%", "higher", D(90), D(80), D(70),
     D(10), "mean", "CAPAs closed by their due date ÷ CAPAs due in the period, in %."),
    ("audit_findings", "Critical/major audit findings", "compliance", "findings", "lower",
     D(0), D(1), D(3), D(10), "sum",
     "Critical and major findings raised in audits and inspections during the period."),
    ("complaint_rate", "Complaint rate", "quality", "ppm", "lower", D(10), D(25), D(50),
     D(10), "mean", "Product complaints attributable to the CMO per million units shipped."),
    ("yield", "Yield", "cost", "%", "higher", D(95), D(90), D(85), D(5), "mean",
     "Actual ÷ theoretical output of the batches of the period, in %."),
    ("price_variance", "Price variance", "cost", "% vs contract", "lower", D(0), D(2), D(5),
     D(5), "mean", "Invoiced against contracted price, in % (negative: below contract)."),
    ("responsiveness", "Responsiveness", "responsiveness", "days", "lower", D(2), D(5),
     D(10), D(10), "mean", "Working days to answer a quality or supply query, mean."),
]
FIELDS = ("code", "name", "category", "unit", "direction", "target", "amber_threshold",
          "red_threshold", "default_weight", "rollup", "measurement")


def install(apps, schema_editor):
    KpiDefinition = apps.get_model("kpis", "KpiDefinition")
    for row in STANDARD_KPIS:
        values = dict(zip(FIELDS, row, strict=True))
        KpiDefinition.objects.update_or_create(code=values.pop("code"), defaults=values)


def remove(apps, schema_editor):
    apps.get_model("kpis", "KpiDefinition").objects.filter(
        code__in=[row[0] for row in STANDARD_KPIS]
    ).delete()


class Migration(migrations.Migration):
    dependencies = [("kpis", "0001_initial")]
    operations = [migrations.RunPython(install, remove)]
