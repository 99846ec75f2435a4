"""The cached home page never shows data older than the last save (core/freshness.py)."""
import re
from datetime import date

import pytest
from django.test import Client
from django.urls import reverse

from kpi.entry import cell_name
from kpi.models import Kpi, KpiFigure
from core import freshness
from tests.imports_helpers import confirm, csv_bytes, upload

APRIL = date(2025, 4, 1)
PLACEMENTS = "ハローワークにおける紹介就職件数"


@pytest.fixture
def placements(plan2025):
    return Kpi.objects.get(measure__section__plan=plan2025, name=PLACEMENTS)


def signed_in(user, **options) -> Client:
    client = Client(**options)
    client.force_login(user)
    return client


def home(client) -> str:
    response = client.get(reverse("home"))
    assert response.status_code == 200
    return response.content.decode()


def actual_to_date(html, kpi_name) -> str:
    """The 実績（累計） cell of a KPI's line in the achievement table."""
    row = html[html.index(f"{kpi_name}</th>"):]
    row = row[: row.index("</tr>")]
    return re.findall(r'<td class="num">(.*?)</td>', row)[1]


def body_states(html, body_name) -> list[str]:
    """The reporting matrix's states (missing, entered, …) of a body's row, April first."""
    row = html[html.index(f'<th scope="row">{body_name}'):]
    return re.findall(r'badge state-(\w+)', row[: row.index("</tr>")])


def own_row(html) -> str:
    return re.search(r'<tr class="own">\s*<th scope="row">(.*?) <small>', html).group(1)


def test_a_figure_saved_in_the_grid_shows_on_the_next_home_page(lead_user, bureau_staff, bureau, placements, real_cache):
    lead = signed_in(lead_user)
    assert actual_to_date(home(lead), PLACEMENTS) == "－"
    assert actual_to_date(home(lead), PLACEMENTS) == "－"  # now from the cache
    assert body_states(home(lead), "群馬労働局")[0] == "missing"

    cell = cell_name(placements.pk, APRIL)
    response = signed_in(bureau_staff).post(
        reverse("kpi:entry_body", args=[2025, bureau.pk]), {f"{cell}_value": "１，５３８", f"{cell}_v": ""}
    )
    assert response.status_code == 302

    # Entered, not yet submitted nor approved: the reporting state moves on, the 確定 total does not.
    html = home(lead)
    assert body_states(html, "群馬労働局")[0] == "entered"
    assert actual_to_date(html, PLACEMENTS) == "－"


def test_figures_imported_in_bulk_show_on_the_next_home_page(lead_user, real_cache):
    lead = signed_in(lead_user)
    assert actual_to_date(home(lead), PLACEMENTS) == "－"
    assert body_states(home(lead), "群馬労働局")[:3] == ["missing"] * 3
    header = ["取組", "指標名", "入力機関", "対象月", "実績値", "分子", "分母", "記述", "はい／いいえ", "コメント"]
    rows = [["2(1)ア①", PLACEMENTS, "群馬労働局", f"2025-{month:02d}", "100", "", "", "", "", ""] for month in (4, 5, 6)]
    run = confirm(lead, upload(lead, "figures", csv_bytes([header, *rows])))
    assert run.status == "imported", run.issues

    html = home(lead)
    assert body_states(html, "群馬労働局")[:4] == ["entered", "entered", "entered", "missing"]


def test_each_user_gets_their_own_roles_view_from_the_cache(lead_user, deputy_user, observer_user, real_cache):
    lead_page = home(signed_in(lead_user))
    assert "承認待ちの実績" in lead_page and own_row(lead_page) == "群馬労働局"

    deputy_page = home(signed_in(deputy_user))  # same plan and data: the lead's fragments are cached
    assert own_row(deputy_page) == "群馬県（産業経済部）"

    observer_page = home(signed_in(observer_user))
    assert "承認待ちの実績" not in observer_page and "督促" not in observer_page


def test_the_reminder_form_on_a_cached_page_carries_the_readers_own_token(lead_user, real_cache):
    home(signed_in(lead_user))  # another session of the lead fills the cache
    browser = signed_in(lead_user, enforce_csrf_checks=True)
    html = home(browser)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)
    response = browser.post(reverse("send_reminders", args=[2025]), {"csrfmiddlewaretoken": token, "month": "2025-04"})
    assert response.status_code == 302  # not 403: the token is this session's


def test_the_generation_moves_at_the_write_and_again_at_commit(django_capture_on_commit_callbacks, bureau, placements, real_cache):
    start = freshness.generation()
    with django_capture_on_commit_callbacks(execute=True):
        KpiFigure.objects.create(kpi=placements, member_body=bureau, month=APRIL, value=5)
        at_write = freshness.generation()
        assert at_write > start  # the writer's own next page is fresh
    # A page computed by another request between the write and the commit saw the old data.
    assert freshness.generation() > at_write


def test_a_one_off_message_shows_once_and_is_not_kept(lead_user, real_cache):
    lead = signed_in(lead_user)
    assert 'class="messages"' not in home(lead)
    response = lead.post(reverse("send_reminders", args=[2025]), {"month": "2025-04"}, follow=True)
    assert 'class="messages"' in response.content.decode()
    assert 'class="messages"' not in home(lead)


def test_an_emptied_shared_cache_does_not_bring_back_pages_kept_in_the_app_process(lead_user, bureau, placements, plan2025, real_cache):
    from tests.factories import approve

    approve(plan2025, bureau, APRIL)  # so that the figure counts (kpi/confirmation.py)
    lead = signed_in(lead_user)
    assert actual_to_date(home(lead), PLACEMENTS) == "－"  # kept in Redis and in this process
    KpiFigure.objects.create(kpi=placements, member_body=bureau, month=APRIL, value=7)
    real_cache.clear()  # Redis restarted: the generation count starts again
    assert actual_to_date(home(lead), PLACEMENTS) == "7件"


@pytest.mark.parametrize("change", ["deactivate", "new_password"])
def test_a_cached_sign_in_ends_at_once_when_the_account_changes(lead_user, real_cache, change):
    lead = signed_in(lead_user)
    home(lead)
    home(lead)  # the user now comes from the cache
    if change == "deactivate":
        lead_user.is_active = False
    else:
        lead_user.set_password("a-new-passphrase-2026")
    lead_user.save()
    response = lead.get(reverse("home"))
    assert response.status_code == 302 and response.url.startswith(reverse("login"))


def test_the_portal_keeps_working_when_redis_is_unreachable(settings, lead_user):
    from platform_portal.settings import cache_config

    settings.CACHES = {"default": cache_config("redis://127.0.0.1:9/0")}  # as production makes it; nothing listens there
    lead = signed_in(lead_user)  # the session goes to the database alone
    html = home(lead)
    assert actual_to_date(html, PLACEMENTS) == "－" and "報告状況" in html
    assert freshness.generation() is None  # nothing is kept, everything is computed
