"""Search-as-you-type for filters over thousands of CMOs, sites and products: the page
renders only the chosen record, the rest is searched for on demand."""

import re

import pytest

from cmo_portal.autocomplete import RESULTS
from tests.factories import CmoFactory, ProductFactory, SiteFactory, UserFactory

pytestmark = pytest.mark.django_db


def _search(client, source, q):
    response = client.get(f"/autocomplete/{source}/", {"q": q})
    assert response.status_code == 200
    return [r["text"] for r in response.json()["results"]]


def test_every_word_must_match(client_for, executive):
    CmoFactory(name="Acme Pharma")
    CmoFactory(name="Acme Biologics")
    CmoFactory(name="Bavaria Biologics")
    client = client_for(executive)
    assert _search(client, "cmo", "acme bio") == ["Acme Biologics"]
    assert sorted(_search(client, "cmo", "BIOLOGICS")) == ["Acme Biologics", "Bavaria Biologics"]


def test_sites_are_found_by_their_cmo_and_products_by_code(client_for, scm):
    SiteFactory(cmo=CmoFactory(name="Acme Pharma"), name="Basel")
    ProductFactory(code="PRD-0042", name="Nebulin")
    client = client_for(scm)
    assert _search(client, "site", "acme") == ["Acme Pharma — Basel"]
    assert _search(client, "product", "0042") == ["PRD-0042 Nebulin"]


def test_at_most_twenty_answers(client_for, scm):
    CmoFactory.create_batch(RESULTS + 5)
    assert len(_search(client_for(scm), "cmo", "")) == RESULTS


def test_an_unknown_list_is_not_found_and_a_user_without_a_role_is_refused(client_for):
    nobody = UserFactory(roles=[])
    assert client_for(nobody).get("/autocomplete/cmo/").status_code == 403
    assert client_for(nobody).get("/autocomplete/users/").status_code == 404


def _options(html: str, name: str) -> list[str]:
    select = re.search(rf'<select name="{name}".*?</select>', html, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select)


def test_a_filter_renders_only_the_chosen_record(client_for, scm):
    chosen, *_ = CmoFactory.create_batch(30)
    client = client_for(scm)
    page = client.get("/kpis/measurements/").content.decode()
    assert _options(page, "cmo") == ["---------"]
    assert 'data-autocomplete-url="/autocomplete/cmo/"' in page
    page = client.get("/kpis/measurements/", {"cmo": chosen.pk}).content.decode()
    assert _options(page, "cmo") == ["---------", chosen.name]


def test_a_filter_with_a_bad_id_says_so(client_for, scm):
    response = client_for(scm).get("/kpis/measurements/", {"cmo": "abc"})
    assert response.status_code == 200
    assert b"Select a valid choice" in response.content
