from django.db import migrations

CAPABILITIES = [
    ("API synthesis", "Small-molecule active ingredient manufacture"),
    ("Highly potent API", "Containment for OEB 4–5 compounds"),
    ("Biologics drug substance", "Cell culture, fermentation and purification"),
    ("Oral solid dose", "Tablets and capsules"),
    ("Sterile fill/finish", "Aseptic filling of vials, syringes and cartridges"),
    ("Lyophilisation", "Freeze-drying of parenteral products"),
    ("Packaging", "Primary and secondary packaging, serialisation"),
    ("Analytical testing", "Release and stability testing"),
    ("Cold chain distribution", "Storage and shipment at 2–8 °C or frozen"),
]


def add(apps, schema_editor):
    Capability = apps.get_model("suppliers", "Capability")
    for name, description in CAPABILITIES:
        Capability.objects.get_or_create(name=name, defaults={"description": description})


class Migration(migrations.Migration):
    dependencies = [("suppliers", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
