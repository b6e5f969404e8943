"""The default effort model (docs/resource-plan.md). Installed by a data migration and
re-installed after every `migrate` or test-database flush (post_migrate), idempotently:
rows an administrator edited are kept as they are."""

from resourcing import effort


def install_effort_model(rate_model, event_model) -> None:
    have = set(rate_model.objects.values_list("tier", "role"))
    rate_model.objects.bulk_create(
        rate_model(tier=tier, role=role, hours_per_month=hours)
        for tier, by_role in effort.DEFAULT_RATES.items()
        for role, hours in by_role.items()
        if (tier, role) not in have
    )
    have = set(event_model.objects.values_list("event", "role"))
    event_model.objects.bulk_create(
        event_model(event=event, role=role, hours=hours)
        for event, by_role in effort.DEFAULT_EVENT_HOURS.items()
        for role, hours in by_role.items()
        if (event, role) not in have
    )


def install_reference_data(sender, **kwargs) -> None:
    from resourcing.models import EffortRate, EventEffort

    install_effort_model(EffortRate, EventEffort)
