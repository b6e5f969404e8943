"""Reference data every installation starts with. Installed by a data migration and
re-installed after every `migrate` or test-database flush (post_migrate), idempotently:
existing rows are kept as an administrator edited them."""

STANDARD_CAPABILITIES = [
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


def install_capabilities(capability_model) -> None:
    existing = set(capability_model.objects.values_list("name", flat=True))
    capability_model.objects.bulk_create(
        capability_model(name=name, description=description)
        for name, description in STANDARD_CAPABILITIES
        if name not in existing
    )


def install_reference_data(sender, **kwargs) -> None:
    from suppliers.models import Capability

    install_capabilities(Capability)
