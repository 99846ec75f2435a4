"""Every page of the permission matrix meets WCAG 2.1 A and AA as axe-core checks it, for the lead
secretariat, the responsible member staff and an observer, at 390 px wide without sideways scrolling
(JIS X 8341-3:2016 AA; issue 14.7).

axe-core comes from npm (node_modules/axe-core, package.json) and is evaluated through the browser's
debugging protocol, which the pages' CSP does not govern. One browser and one page per role, reused
across the pages, keeps the run short.
"""
import pytest
from django.conf import settings
from playwright.sync_api import Error as PlaywrightError

from tests.browser.helpers import log_in
from tests.factories import GUNMA_USERS
from tests.matrix_rows import all_rows

pytestmark = pytest.mark.browser

AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PHONE = {"width": 390, "height": 844}

# The kinds of user checked, and whom each signs in as; "responsible" is each row's own member staff.
ROLES = ("lead", "responsible", "observer")
MEMBER_STAFF = {"bureau_staff", "hw_user", "keieisha_user"}
USERNAMES = {name: username for name, (username, _, _) in GUNMA_USERS.items()} | {"keieisha_user": "keieisha"}


def pages_for(kind, world):
    """(fixture of the user, URL) of every GET row that answers this kind with a page."""
    seen = set()
    for row in all_rows():
        if row.method != "get" or row.expected.get(kind) != 200:
            continue
        who = {"lead": "lead_user", "observer": "observer_user"}.get(kind, row.responsible)
        if kind == "responsible" and who not in MEMBER_STAFF:
            continue
        url = row.url(world)
        if (who, url) not in seen:
            seen.add((who, url))
            yield who, url


def violations(page) -> list[str]:
    page.evaluate(AXE.read_text())
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", TAGS)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]


def test_every_page_of_the_matrix_passes_axe_and_fits_a_phone_for_three_roles(browser, live_server, django_db_serialized_rollback, tmp_path):
    from tests.test_permission_matrix import _build_world

    world, _ = _build_world()
    problems, checked = [], 0
    by_user: dict[str, list[str]] = {}
    for kind in ROLES:
        for who, url in pages_for(kind, world):
            by_user.setdefault(who, []).append(url)
    for who, urls in by_user.items():
        context = browser.new_context(locale="ja-JP", base_url=live_server.url, viewport=PHONE)
        page = context.new_page()
        log_in(page, USERNAMES[who])
        for url in urls:
            try:
                response = page.goto(url)
            except PlaywrightError as exc:
                if "Download is starting" in str(exc):
                    continue  # a file, not a page
                raise
            if response is None or "text/html" not in response.headers.get("content-type", ""):
                continue
            checked += 1
            problems += [f"{who} {url}: {v}" for v in violations(page)]
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            if overflow > 0:
                page.screenshot(path=tmp_path / f"{who}-{url.strip('/').replace('/', '_') or 'home'}.png", full_page=True)
                problems.append(f"{who} {url}: wider than a 390 px screen by {overflow}px")
        context.close()
    assert checked > 40
    assert problems == [], "\n".join(problems)


def test_the_header_and_home_fit_a_phone_without_vertical_text(page, gunma, plan2025):
    from tests.factories import make_user

    make_user(gunma, username="lead-phone", body_name="群馬労働局", role_code="lead_secretariat")
    page.set_viewport_size(PHONE)
    log_in(page, "lead-phone")
    assert page.evaluate("() => document.documentElement.scrollWidth") <= 390
    # 「ログアウト」 stays one line: its button is wider than tall.
    box = page.get_by_role("button", name="ログアウト").bounding_box()
    assert box["width"] > box["height"]
    for link in page.locator(".user-nav a").all():
        link_box = link.bounding_box()
        assert link_box["width"] > link_box["height"] * 1.5 or len(link.inner_text()) < 3, link.inner_text()
