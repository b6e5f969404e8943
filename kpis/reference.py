"""The standard KPI set of BRIEF.md (weights sum to 100). Installed by a data migration
and re-installed after every `migrate` or test-database flush (post_migrate): missing
definitions are created, existing ones are kept as an administrator edited them."""

from decimal import Decimal as D

# code, name, category, unit, direction, target, amber, red, weight, roll-up, how measured
STANDARD_KPIS = [  # noqa: E501 - one KPI a row
    (
        "otif",
        "OTIF delivery",
        "delivery",
        "%",
        "higher",
        D(95),
        D(90),
        D(85),
        D(15),
        "mean",
        "Deliveries on the agreed date and in the agreed quantity ÷ deliveries, in %.",
    ),
    (
        "rft",
        "Right first time",
        "quality",
        "%",
        "higher",
        D(98),
        D(95),
        D(90),
        D(15),
        "mean",
        "Batches released without deviation or rework ÷ batches released, in %.",
    ),
    (
        "disposition_time",
        "Batch disposition cycle time",
        "quality",
        "days",
        "lower",
        D(30),
        D(40),
        D(50),
        D(10),
        "mean",
        "Days from the end of manufacture to the QP / QA release decision, mean per batch.",
    ),
    (
        "deviation_rate",
        "Deviation rate",
        "quality",
        "%",
        "lower",
        D(5),
        D(10),
        D(15),
        D(10),
        "mean",
        "Deviations raised ÷ batches manufactured, in %.",
    ),
    (
        "capa_on_time",
        "CAPA on-time closure",
        "compliance",
        "%",
        "higher",
        D(90),
        D(80),
        D(70),
        D(10),
        "mean",
        "CAPAs closed by their due date ÷ CAPAs due in the period, in %.",
    ),
    (
        "audit_findings",
        "Critical/major audit findings",
        "compliance",
        "findings",
        "lower",
        D(0),
        D(1),
        D(3),
        D(10),
        "sum",
        "Critical and major findings raised in audits and inspections during the period.",
    ),
    (
        "complaint_rate",
        "Complaint rate",
        "quality",
        "ppm",
        "lower",
        D(10),
        D(25),
        D(50),
        D(10),
        "mean",
        "Product complaints attributable to the CMO per million units shipped.",
    ),
    (
        "yield",
        "Yield",
        "cost",
        "%",
        "higher",
        D(95),
        D(90),
        D(85),
        D(5),
        "mean",
        "Actual ÷ theoretical output of the batches of the period, in %.",
    ),
    (
        "price_variance",
        "Price variance",
        "cost",
        "% vs contract",
        "lower",
        D(0),
        D(2),
        D(5),
        D(5),
        "mean",
        "Invoiced against contracted price, in % (negative: below contract).",
    ),
    (
        "responsiveness",
        "Responsiveness",
        "responsiveness",
        "days",
        "lower",
        D(2),
        D(5),
        D(10),
        D(10),
        "mean",
        "Working days to answer a quality or supply query, mean.",
    ),
]
FIELDS = (
    "code",
    "name",
    "category",
    "unit",
    "direction",
    "target",
    "amber_threshold",
    "red_threshold",
    "default_weight",
    "rollup",
    "measurement",
)


def install_standard_kpis(kpi_model) -> None:
    existing = set(kpi_model.objects.values_list("code", flat=True))
    kpi_model.objects.bulk_create(
        kpi_model(**dict(zip(FIELDS, row, strict=True)))
        for row in STANDARD_KPIS
        if row[0] not in existing
    )


def install_reference_data(sender, **kwargs) -> None:
    from kpis.models import KpiDefinition

    install_standard_kpis(KpiDefinition)
