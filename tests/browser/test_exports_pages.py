"""The exports page and a background job's page, on an office screen and on a phone.

Each page is checked by axe-core (WCAG 2.1 A and AA rules) and must not scroll sideways; the
screenshots are kept in the test's temporary folder for a person to look at.
"""
from datetime import timedelta

import pytest
from django.conf import settings
from django.utils import timezone

from tests.browser.helpers import log_in
from tests.factories import make_user

pytestmark = pytest.mark.browser

AXE = settings.BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
VIEWPORTS = {"desktop": {"width": 1366, "height": 900}, "phone": {"width": 390, "height": 844}}


def axe_violations(page) -> list[str]:
    # Evaluated through the browser's debugging protocol, which the page's CSP does not govern.
    page.evaluate(AXE.read_text())
    result = page.evaluate("() => axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})")
    return [f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in result["violations"]]


def sideways_overflow(page) -> int:
    return page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")


def test_the_exports_page_and_a_waiting_job_read_well_on_a_desk_and_a_phone(page, gunma, plan2025, tmp_path):
    from exports.models import ExportJob

    lead = make_user(gunma, username="lead-exports", body_name="群馬労働局", role_code="lead_secretariat")
    job = ExportJob.objects.create(platform=gunma, user=lead, export_id="meeting_packet", fiscal_year=2025)
    ExportJob.objects.filter(pk=job.pk).update(created_at=timezone.now() - timedelta(minutes=2))
    log_in(page, "lead-exports")
    problems = []
    for name, size in VIEWPORTS.items():
        page.set_viewport_size(size)
        for label, url in (("menu", "/exports/2025/"), ("job", f"/exports/jobs/{job.pk}/")):
            page.goto(url)
            page.screenshot(path=tmp_path / f"exports-{label}-{name}.png", full_page=True)
            problems += [f"{label} {name}: {v}" for v in axe_violations(page)]
            if (overflow := sideways_overflow(page)) > 0:
                problems.append(f"{label} {name}: scrolls sideways by {overflow}px")
    assert problems == []
    # What a person reads on the job page: why nothing happens.
    assert "ワーカーが動いていないようです" in page.locator(".worker-missing").inner_text()
