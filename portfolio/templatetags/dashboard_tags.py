"""Template tags of the dashboards: figures that a page of another app can include."""

from django import template

from portfolio import dashboard_charts

register = template.Library()


@register.simple_tag
def supply_chain_sankey(chain, steps=None):
    """The Sankey figure of a product's supply chain (`chain`, a ChainSummary, as given by
    `portfolio.selectors.product_supply_chain`); its site nodes link to the sites when the
    selector's `steps` are given."""
    if chain is None:
        return None
    urls = {
        stage.pk: stage.site.get_absolute_url() for step in steps or [] for stage in step["stages"]
    }
    return dashboard_charts.supply_chain_sankey(chain, lambda s: urls.get(s.stage_id, ""))
