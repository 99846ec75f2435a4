"""The portal's own pages satisfy its Content Security Policy: no inline script or style anywhere."""
import pytest

from tests.browser.helpers import log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser

PAGES = {
    "lead-csp": ("群馬労働局", "lead_secretariat", [
        "/", "/plans/2025/roadmap/", "/kpi/2025/entry/", "/kpi/2025/charts/", "/kpi/2025/approvals/", "/plans/2025/progress/",
        "/proposals/", "/meetings/", "/exports/2025/", "/imports/", "/platform/names/", "/account/security/",
    ]),
    "welfare-csp": ("群馬県（健康福祉部）", "municipal_liaison", ["/municipal/", "/municipal/reports/", "/municipal/reports/new/"]),
}


def test_no_page_violates_the_content_security_policy(page, gunma, plan2025):
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    for username, (body, role, urls) in PAGES.items():
        make_user(gunma, username=username, body_name=body, role_code=role)
        log_in(page, username)
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, url
            assert "default-src 'self'" in response.headers["content-security-policy"], url
        page.get_by_role("button", name="ログアウト").click()
    assert violations == []


def test_an_inline_script_would_be_reported(page, gunma):
    """The listener above is not deaf: a script injected into a page is refused and reported."""
    make_user(gunma, username="probe-csp", body_name="ハローワーク", role_code="member_staff")
    violations = []
    page.on("console", lambda message: violations.append(message.text) if "Content Security Policy" in message.text else None)
    log_in(page, "probe-csp")
    page.evaluate("() => { const s = document.createElement('script'); s.textContent = 'window.injected = 1'; document.body.appendChild(s); }")
    page.wait_for_timeout(200)
    assert page.evaluate("() => window.injected") is None
    assert violations
