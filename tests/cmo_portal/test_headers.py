"""Headers that protect every page, and templates that keep the policy possible."""

import re
from pathlib import Path

import pytest

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
INLINE_HANDLER = re.compile(r"\son[a-z]+\s*=\s*[\"']", re.IGNORECASE)
SCRIPT_TAG = re.compile(r"<script(?P<attrs>[^>]*)>", re.IGNORECASE)


@pytest.mark.django_db
def test_pages_carry_a_content_security_policy_without_inline_scripts(client_for, scm):
    response = client_for(scm).get("/suppliers/cmos/")
    policy = response["Content-Security-Policy"]
    script_src = next(d for d in policy.split(";") if d.strip().startswith("script-src"))
    assert "'self'" in script_src
    assert "unsafe-inline" not in script_src and "unsafe-eval" not in script_src
    assert "frame-ancestors 'none'" in policy


@pytest.mark.django_db
def test_the_login_page_carries_the_policy_and_refuses_framing(client):
    response = client.get("/accounts/login/")
    assert "Content-Security-Policy" in response
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"


def _templates():
    return sorted(TEMPLATES.rglob("*.html"))


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_no_template_has_an_inline_event_handler_or_script(template):
    text = template.read_text()
    assert not INLINE_HANDLER.search(text), "inline event handler: use static/js/portal.js"
    for match in SCRIPT_TAG.finditer(text):
        attrs = match.group("attrs")
        assert "src=" in attrs or "application/json" in attrs or "nonce=" in attrs, (
            f"inline <script{attrs}>: move it to static/js or give it the request's nonce"
        )
