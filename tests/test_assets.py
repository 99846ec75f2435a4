"""Front-end assets come with the portal: nothing is loaded from a CDN (public-sector networks block them)."""
import re
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.urls import reverse


def test_design_tokens_are_installed_and_served_from_the_portal():
    path = finders.find("design-tokens/tokens.css")
    assert path, "node_modules/@digital-go-jp/design-tokens is missing: run ./scripts/install.sh"
    assert "--color-primitive-blue-900" in Path(path).read_text()


def test_pages_link_the_tokens_before_the_portal_styles(client, db):
    html = client.get(reverse("login")).content.decode()
    assert html.index("/static/design-tokens/tokens.css") < html.index("/static/css/portal.css")


def test_portal_styles_use_the_design_tokens():
    css = (settings.BASE_DIR / "static" / "css" / "portal.css").read_text()
    assert "var(--color-primitive-blue-900)" in css and "var(--font-family-sans)" in css


def test_no_template_or_stylesheet_loads_anything_from_another_host():
    external = re.compile(r"""(?:src|href)\s*=\s*["'](?:https?:)?//|@import\s+url\(\s*["']?(?:https?:)?//""")
    files = [*(settings.BASE_DIR / "templates").rglob("*.html"), *(settings.BASE_DIR / "static").rglob("*.css")]
    offenders = [str(f) for f in files if external.search(f.read_text())]
    assert offenders == []
