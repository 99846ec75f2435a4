"""Ownership on the models and `restrict()`: one answer for a single object and for a list.

`may(user, code, obj)` asks the object's model (`is_owned_by`); `Model.objects.restrict(user, …)`
asks the same model as a filter (`owned_by_q`). Both must agree on every row, for every kind of
ownership: by a body's field, by a KPI's reporting bodies, by a measure's responsible parties,
and by the user's municipal platform.
"""
import pytest

from core.access import may
from kpi.models import Kpi
from members.models import AccessRole, User
from municipal_pf.models import MunicipalAccount, MunicipalPlatform, MunicipalReport
from plans.models import Measure
from proposals.models import PolicyProposal
from tests.factories import make_user


def _agree(user, model, queryset, code):
    """Every row of the platform is in restrict() exactly when may() allows it."""
    visible = set(model.objects.restrict(user, code).values_list("pk", flat=True))
    allowed = {obj.pk for obj in queryset if may(user, code, obj)}
    assert visible == allowed
    return visible


def test_a_kpi_belongs_to_the_bodies_that_report_it(plan2025, bureau_staff, hw_user):
    kpis = Kpi.objects.filter(measure__section__plan=plan2025)
    own = _agree(bureau_staff, Kpi, kpis, "enter_own_figures")
    assert own == set(kpis.filter(reporting_bodies=bureau_staff.member_body).values_list("pk", flat=True))
    assert own
    # ハローワーク is responsible for measures but reports no figures (tests/conftest.py).
    assert _agree(hw_user, Kpi, kpis, "enter_own_figures") == set()


def test_a_measure_belongs_to_every_body_its_responsible_parties_stand_for(plan2025, rengo_user):
    measures = Measure.objects.filter(section__plan=plan2025)
    own = _agree(rengo_user, Measure, measures, "report_own_progress")
    # 連合群馬 is responsible only through 全機関・団体.
    assert own == set(Measure.objects.for_body(rengo_user.member_body, plan2025).values_list("pk", flat=True))
    assert 0 < len(own) < measures.count()


def test_proposals_the_secretariat_sees_all_a_member_its_own_another_platform_none(gunma, lead_user, hw_user, other_platform_user):
    keieisha = make_user(gunma, username="keieisha", body_name="（一社）群馬県経営者協会")
    mine = PolicyProposal.objects.create(platform=gunma, member_body=hw_user.member_body, title="窓口の延長", content="夜間窓口")
    theirs = PolicyProposal.objects.create(platform=gunma, member_body=keieisha.member_body, title="実習先", content="拡大")
    both = {mine.pk, theirs.pk}
    assert set(PolicyProposal.objects.restrict(lead_user, "handle_proposal", "submit_proposal").values_list("pk", flat=True)) == both
    assert set(PolicyProposal.objects.restrict(hw_user, "handle_proposal", "submit_proposal").values_list("pk", flat=True)) == {mine.pk}
    assert not PolicyProposal.objects.restrict(other_platform_user, "handle_proposal", "submit_proposal").exists()
    _agree(hw_user, PolicyProposal, PolicyProposal.objects.all(), "submit_proposal")


def test_municipal_records_belong_to_the_users_municipal_platform(gunma, plan2025, welfare_user):
    maebashi, takasaki = (
        MunicipalPlatform.objects.create(platform=gunma, municipality=gunma.prefecture.municipalities.get(name=name), status="established")
        for name in ("前橋市", "高崎市")
    )
    staff = User.objects.create_user("maebashi", password="x")
    staff.access_roles.add(AccessRole.objects.get(platform=gunma, code="municipal_staff"))
    MunicipalAccount.objects.create(user=staff, municipal_platform=maebashi)
    period = plan2025.reporting_periods.first()
    reports = [
        MunicipalReport.objects.create(municipal_platform=mpf, period=period, kind="good_practice", title="居場所", body="開設")
        for mpf in (maebashi, takasaki)
    ]
    assert _agree(staff, MunicipalPlatform, MunicipalPlatform.objects.all(), "report_own_municipal") == {maebashi.pk}
    assert _agree(staff, MunicipalReport, MunicipalReport.objects.all(), "report_own_municipal") == {reports[0].pk}
    assert staff.affiliated_platform_id() == gunma.pk
    # The liaison's permission is platform-wide: every row, no ownership asked.
    assert set(MunicipalReport.objects.restrict(welfare_user, "manage_municipal").values_list("pk", flat=True)) == {r.pk for r in reports}


def test_without_the_permission_restrict_gives_nothing(plan2025, observer_user):
    assert Kpi.objects.restrict(observer_user, "view_plan").exists()
    assert not Kpi.objects.restrict(observer_user, "enter_own_figures").exists()
    assert not PolicyProposal.objects.restrict(observer_user, "handle_proposal").exists()


def test_restrict_refuses_an_unknown_permission(lead_user):
    with pytest.raises(ValueError):
        PolicyProposal.objects.restrict(lead_user, "handle_proposals")
