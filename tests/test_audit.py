"""The audit trail: every change to figures, roles and users' access roles is recorded with before/after."""
from datetime import date
from decimal import Decimal

from django.test import RequestFactory

from kpi.models import Kpi, KpiFigure
from members.models import AccessRole, RoleAssignment
from core.audit import audit_scope, bulk_create_audited, history_entries


def _figure(plan, body_name="群馬労働局", name="ハローワークにおける紹介就職件数", month=date(2025, 4, 1)):
    kpi = Kpi.objects.get(measure__section__plan=plan, name=name)
    return KpiFigure(kpi=kpi, member_body=kpi.reporting_bodies.get(name=body_name), month=month)


def test_a_figures_history_shows_who_changed_what_from_what_to_what(plan2025, bureau_staff, lead_user):
    figure = _figure(plan2025)
    figure.value = Decimal(1500)
    figure._history_user = bureau_staff
    figure.save()
    figure.value = Decimal(1538)
    figure._history_user = lead_user
    figure._change_reason = "集計の訂正"
    figure.save()

    newest, first = history_entries(figure.history.all())
    assert first.kind == "作成" and first.who == bureau_staff
    assert newest.kind == "変更" and newest.who == lead_user and newest.reason == "集計の訂正"
    assert [(c.field, c.old, c.new) for c in newest.changes] == [("実績値", Decimal(1500), Decimal(1538))]


def test_entries_of_one_action_share_a_request_id(plan2025):
    april, may = _figure(plan2025), _figure(plan2025, month=date(2025, 5, 1))
    with audit_scope() as request_id:
        for figure, value in ((april, 1), (may, 2)):
            figure.value = Decimal(value)
            figure.save()
    ids = {figure.history.get().request_id for figure in (april, may)}
    assert ids == {request_id} and request_id


def test_bulk_writes_are_recorded_too(plan2025):
    figures = [_figure(plan2025, month=date(2025, m, 1)) for m in (4, 5, 6)]
    for figure in figures:
        figure.value = Decimal(10)
    with audit_scope() as request_id:
        bulk_create_audited(figures, KpiFigure)
    history = KpiFigure.history.filter(request_id=request_id)
    assert history.count() == 3
    assert {h.history_type for h in history} == {"+"}


def test_a_change_of_a_users_access_roles_is_recorded(bureau_staff, gunma):
    bureau_staff.access_roles.add(AccessRole.objects.get(platform=gunma, code="lead_secretariat"))
    latest = bureau_staff.history.first()
    assert {r.accessrole.code for r in latest.access_roles.all()} == {"member_staff", "lead_secretariat"}


def test_a_role_assignment_change_is_recorded(gunma):
    assignment = RoleAssignment.objects.filter(role__platform=gunma, share="lead").first()
    assignment.share = "deputy"
    assignment.save()
    change = history_entries(assignment.history.all())[0]
    assert [(c.field, c.old, c.new) for c in change.changes] == [("担当区分", "主担当", "副担当")]


def test_the_request_user_is_recorded_through_the_middleware(client, plan2025, lead_user):
    """A change made while serving a request carries that request's user (HistoryRequestMiddleware)."""
    from simple_history.models import HistoricalRecords

    request = RequestFactory().get("/")
    request.user = lead_user
    HistoricalRecords.context.request = request
    try:
        figure = _figure(plan2025)
        figure.value = Decimal(3)
        figure.save()
    finally:
        del HistoricalRecords.context.request
    assert figure.history.get().history_user == lead_user


def test_the_audit_trail_is_not_editable_in_the_admin(admin_client):
    from django.contrib import admin

    historical = [m for m in admin.site._registry if m.__name__.startswith("Historical")]
    assert historical == []


def test_a_changed_link_is_shown_by_name_not_by_id(gunma, plan2025):
    from proposals.models import PolicyProposal

    body = gunma.member_bodies.get(name="（一社）群馬県経営者協会")
    first, second = plan2025.sections.get(number="1").children.get().measures.all()[:2]
    proposal = PolicyProposal.objects.create(platform=gunma, member_body=body, title="t", content="c", related_measure=first)
    proposal.related_measure = second
    proposal.save()
    change = history_entries(proposal.history.all())[0].changes
    assert [(c.field, c.old, c.new) for c in change] == [("関連する取組", str(first), str(second))]
