"""One lock order for the month submissions, and a grid save that cannot slip past a first submission.

まとめて承認 locks the chosen months in pk order, whatever order the checkboxes came in, as the
figures import, submit and the entry grid do. A grid save into a month that has no submission row
yet gives it its 入力中 row and locks it, so that a submission of the same month runs before or
after the save, never during it (the two-connection tests need PostgreSQL, as CI has).
"""
import time
from datetime import date

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from kpi import workflow
from kpi.entry import SaveResult, cell_name, save_grid
from kpi.models import FigureSubmission, Kpi, KpiFigure
from tests.racing import race
from tests.test_locking import PG_ONLY

APRIL, MAY = date(2025, 4, 1), date(2025, 5, 1)
TODAY = date(2026, 5, 1)
PLACEMENTS = "ハローワークにおける紹介就職件数"
ROUNDS = 20
Status = FigureSubmission.Status
SUBMITTED_REFUSAL = "4月は提出済で承認待ちのため編集できません"


def field(kpi, month=APRIL, part="value"):
    return f"{cell_name(kpi.pk, month)}_{part}"


def version(kpi, month=APRIL):
    return f"{cell_name(kpi.pk, month)}_v"


def placements(plan):
    return Kpi.objects.get(measure__section__plan=plan, name=PLACEMENTS)


def fill(plan, body, month=APRIL):
    """Every KPI the body reports has a figure for the month, so that the month may be submitted."""
    KpiFigure.objects.filter(member_body=body, month=month).delete()
    for kpi in Kpi.objects.reported_by(body, plan):
        figure = KpiFigure(kpi=kpi, member_body=body, month=month)
        if kpi.measure_type == "rate":
            figure.numerator, figure.denominator = 1, 2
        elif kpi.measure_type == "count":
            figure.value = 1
        else:
            figure.text_value, figure.yes_no = "済", True
        figure.save()


# --- まとめて承認: pk order ---------------------------------------------------------------------


def _submitted(plan, bodies, months):
    return [FigureSubmission.objects.create(plan=plan, member_body=b, month=m, status=Status.SUBMITTED) for b in bodies for m in months]


def test_bulk_approval_locks_the_chosen_months_in_pk_order_before_deciding_any(plan2025, bureau, industry, lead_user):
    submissions = _submitted(plan2025, (bureau, industry), (APRIL, MAY))
    backwards = sorted(submissions, key=lambda s: -s.pk)
    table = connection.ops.quote_name(FigureSubmission._meta.db_table)
    with CaptureQueriesContext(connection) as queries:
        result = workflow.decide_many(plan2025, [(s.pk, str(s.version)) for s in backwards], "approve", user=lead_user)
    assert [s.pk for s in result.done] == [s.pk for s in backwards]  # reported in the order chosen
    sql = [q["sql"] for q in queries.captured_queries]
    batch = [i for i, q in enumerate(sql) if q.lstrip().startswith("SELECT") and f"{table}.{connection.ops.quote_name('id')} IN (" in q]
    assert batch, sql
    first = sql[batch[0]]
    # One query takes every chosen row, in pk order, before anything is written.
    assert f"ORDER BY {table}.{connection.ops.quote_name('id')} ASC" in first
    assert all(str(s.pk) in first for s in submissions)
    assert not any(q.lstrip().startswith(("UPDATE", "INSERT")) for q in sql[: batch[0]])
    if connection.features.has_select_for_update:
        assert "FOR UPDATE" in first


def test_bulk_approval_still_checks_each_version_and_reports_in_the_chosen_order(client, plan2025, bureau, industry, lead_user):
    first, second = _submitted(plan2025, (bureau, industry), (APRIL,))
    client.force_login(lead_user)
    html = client.post(
        reverse("kpi:approve_many", args=[2025]),
        {"chosen": [f"{second.pk}:{second.version}", f"{first.pk}:{first.version + 5}"], "confirmed": "1"},
        follow=True,
    ).content.decode()
    assert "1件の月の実績を承認しました" in html
    assert "承認しませんでした。群馬労働局の4月：" in html and "表示した後に差戻し・再提出などで変わりました" in html
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, second.status) == (Status.SUBMITTED, Status.APPROVED)


# --- The grid's save and the month's first submission --------------------------------------------


def test_a_grid_save_into_a_month_without_a_submission_gives_it_its_draft_row(plan2025, bureau, bureau_staff):
    kpi = placements(plan2025)
    assert not FigureSubmission.objects.filter(plan=plan2025, member_body=bureau).exists()
    result = save_grid(plan2025, bureau, {field(kpi): "120", version(kpi): ""}, user=bureau_staff, as_of=TODAY)
    assert result.ok and result.saved == 1
    submission = FigureSubmission.objects.get(plan=plan2025, member_body=bureau)  # April's only: the month written into
    assert (submission.month, submission.status, submission.is_locked) == (APRIL, Status.DRAFT, False)
    assert submission.history.get().history_change_reason == "実績入力"
    # The month is still 入力中 and is submitted as before, through the same row.
    fill(plan2025, bureau)
    assert workflow.submit(plan2025, bureau, APRIL, user=bureau_staff, today=TODAY).pk == submission.pk


def test_a_refused_grid_save_leaves_no_submission_row_behind(plan2025, bureau, bureau_staff, lead_user):
    kpi = placements(plan2025)
    page_data = {field(kpi): "120", version(kpi): "", field(kpi, MAY): "130", version(kpi, MAY): ""}
    FigureSubmission.objects.create(plan=plan2025, member_body=bureau, month=MAY, status=Status.APPROVED, decided_by=lead_user)
    result = save_grid(plan2025, bureau, page_data, user=bureau_staff, as_of=TODAY)
    assert not result.ok and any("5月は承認済" in e for e in result.grid.errors)
    assert list(FigureSubmission.objects.filter(plan=plan2025, member_body=bureau).values_list("month", flat=True)) == [MAY]
    assert not KpiFigure.objects.filter(member_body=bureau).exists()


def test_a_month_first_submitted_while_the_grid_saves_refuses_the_save(plan2025, bureau, bureau_staff, monkeypatch):
    """The month had no submission row when the page was loaded and when the save checked the
    cells; it is submitted just before the save takes its locks. The save reads the month's state
    under the lock and refuses, with the words of a month already submitted."""
    fill(plan2025, bureau)
    kpi = placements(plan2025)
    original = workflow.lock_submissions
    locked = []

    def submitted_meanwhile(plan, pairs, **kwargs):
        workflow.submit(plan2025, bureau, APRIL, user=bureau_staff, today=TODAY)
        rows = original(plan, pairs, **kwargs)
        locked.append(sorted(pairs))
        return rows

    monkeypatch.setattr(workflow, "lock_submissions", submitted_meanwhile)
    result = save_grid(plan2025, bureau, {field(kpi): "2", version(kpi): "0"}, user=bureau_staff, as_of=TODAY)
    assert locked == [[(bureau.pk, APRIL)]]
    assert not result.ok and any(SUBMITTED_REFUSAL in e for e in result.grid.errors), result.grid.errors
    assert KpiFigure.objects.get(kpi=kpi, member_body=bureau, month=APRIL).value == 1
    # (On one connection the stand-in submission shares the save's transaction and is rolled back
    # with it; the PostgreSQL test below runs the two for real.)


def test_a_first_submission_that_wins_the_insert_is_locked_as_it_stands(plan2025, bureau, bureau_staff, monkeypatch):
    """Both insert April's row: the grid's insert loses on the unique row and it locks the row the
    submission made instead (here the losing insert is played by an IntegrityError, and the
    winner's row appears as it would once the submission commits)."""
    from django.db import IntegrityError

    original = workflow.bulk_create_audited
    tries = []

    def lost_the_insert(objs, model, **kwargs):
        tries.append([(o.member_body_id, o.month) for o in objs])
        if len(tries) == 1:
            raise IntegrityError("UNIQUE constraint failed")
        return original(objs, model, **kwargs)

    monkeypatch.setattr(workflow, "bulk_create_audited", lost_the_insert)
    with transaction.atomic():
        rows = workflow.lock_submissions(plan2025, {(bureau.pk, APRIL), (bureau.pk, MAY)}, user=bureau_staff, reason="実績入力")
    assert tries == [[(bureau.pk, APRIL), (bureau.pk, MAY)]] * 2  # in key order, tried again after losing
    assert sorted(rows) == [(bureau.pk, APRIL), (bureau.pk, MAY)]
    assert {s.status for s in rows.values()} == {Status.DRAFT}


def test_the_grid_locks_submissions_before_figures_each_in_pk_order(plan2025, bureau, bureau_staff):
    kpi = placements(plan2025)
    sub_table = connection.ops.quote_name(FigureSubmission._meta.db_table)
    fig_table = connection.ops.quote_name(KpiFigure._meta.db_table)
    pk = connection.ops.quote_name("id")
    with CaptureQueriesContext(connection) as queries:
        assert save_grid(plan2025, bureau, {field(kpi): "5", version(kpi): ""}, user=bureau_staff, as_of=TODAY).ok
    sql = [q["sql"] for q in queries.captured_queries]
    locks = [
        q for q in sql
        if q.lstrip().startswith("SELECT") and (f"ORDER BY {sub_table}.{pk} ASC" in q or f"ORDER BY {fig_table}.{pk} ASC" in q)
        and ("FOR UPDATE" in q or not connection.features.has_select_for_update)
    ]
    figure_lock = next(i for i, q in enumerate(locks) if f"FROM {fig_table}" in q)
    assert any(f"FROM {sub_table}" in q for q in locks[:figure_lock])


# --- PostgreSQL: two connections at once ------------------------------------------------------------


@PG_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_grid_save_and_the_months_first_submission_at_once_run_one_after_the_other(gunma, plan2025, bureau_staff):
    body = gunma.member_bodies.get(name="群馬労働局")
    kpi = placements(plan2025)
    for _ in range(ROUNDS):
        fill(plan2025, body)
        FigureSubmission.objects.filter(plan=plan2025, member_body=body).delete()
        data = {field(kpi): "2", version(kpi): "0"}
        saved, submitted = race(
            lambda: save_grid(plan2025, body, data, user=bureau_staff, as_of=TODAY),
            lambda: workflow.submit(plan2025, body, APRIL, user=bureau_staff, today=TODAY),
        )
        assert isinstance(submitted, FigureSubmission), submitted  # the figures were complete either way
        submission = FigureSubmission.objects.get(plan=plan2025, member_body=body, month=APRIL)
        figure = KpiFigure.objects.get(kpi=kpi, member_body=body, month=APRIL)
        assert submission.status == Status.SUBMITTED
        assert isinstance(saved, SaveResult), saved
        if saved.ok:
            # Serial order save → submit: the new figure was there before the month was submitted.
            assert figure.value == 2 and figure.updated_at < submission.submitted_at
        else:
            # Serial order submit → save: the save saw the submitted month and wrote nothing.
            assert figure.value == 1 and any(SUBMITTED_REFUSAL in e for e in saved.grid.errors), saved.grid.errors


@PG_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_bulk_approval_chosen_backwards_waits_for_a_pk_order_locker_instead_of_deadlocking(plan2025, bureau, lead_user):
    low, high = _submitted(plan2025, (bureau,), (APRIL, MAY))

    def pk_order_locker():
        # As an import or a grid save holds them: the lower pk first, the higher one a moment later.
        with transaction.atomic():
            FigureSubmission.objects.select_for_update().get(pk=low.pk)
            time.sleep(0.6)  # the bulk approval starts meanwhile
            FigureSubmission.objects.select_for_update().get(pk=high.pk)
            time.sleep(0.2)
        return "locked"

    locker, decided = race(
        pk_order_locker,
        lambda: workflow.decide_many(plan2025, [(high.pk, str(high.version)), (low.pk, str(low.version))], "approve", user=lead_user),
        head_start=0.2,
    )
    assert locker == "locked", locker
    assert isinstance(decided, workflow.Decided), decided
    assert not decided.refused and [s.pk for s in decided.done] == [high.pk, low.pk]
    assert set(FigureSubmission.objects.filter(pk__in=[low.pk, high.pk]).values_list("status", flat=True)) == {Status.APPROVED}
