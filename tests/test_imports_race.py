"""A figures import confirmed while the same month is submitted, approved or returned: every
outcome must be one that running the two one after the other could give (PostgreSQL, two real
connections, many rounds)."""
from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from imports import services
from imports.kinds import KINDS
from imports.models import ImportRun
from kpi import workflow
from kpi.models import FigureSubmission, Kpi, KpiFigure
from tests.imports_helpers import csv_bytes
from tests.racing import race
from tests.test_locking import PG_ONLY

HEADER = ["取組", "指標名", "入力機関", "対象月", "実績値", "分子", "分母", "記述", "はい／いいえ", "コメント"]
PLACEMENTS = ["2(1)ア①", "ハローワークにおける紹介就職件数", "群馬労働局"]
APRIL = date(2025, 4, 1)
ROUNDS = 20
Status = FigureSubmission.Status


def _fill_month(plan, body):
    """Every KPI the body reports has an April figure, so that the month may be submitted."""
    KpiFigure.objects.filter(member_body=body, month=APRIL).delete()
    for kpi in Kpi.objects.reported_by(body, plan):
        KpiFigure.objects.create(kpi=kpi, member_body=body, month=APRIL, value=1, numerator=1, denominator=2, text_value="済", yes_no=True)


def _prepare(plan, lead_user, body):
    """April complete and not submitted, and a previewed file that changes one of its figures."""
    _fill_month(plan, body)
    FigureSubmission.objects.filter(plan=plan, member_body=body).delete()
    kind = KINDS["figures"]
    content = csv_bytes([HEADER, [*PLACEMENTS, "2025-04", "777", "", "", "", "", ""]])
    run = services.upload(kind, platform=plan.platform, plan=plan, user=lead_user, uploaded=SimpleUploadedFile("race.csv", content))
    assert run.status == ImportRun.Status.PREVIEWED, run.issues
    return kind, run


def _import(kind, run_pk, plan, user):
    def call():
        run = ImportRun.objects.get(pk=run_pk)
        return services.confirm(kind, run, plan=plan, user=user).status

    return call


@PG_ONLY
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_never_writes_into_a_month_submitted_at_the_same_moment(gunma, plan2025, lead_user):
    body = gunma.member_bodies.get(name="群馬労働局")
    kpi = Kpi.objects.get(measure__section__plan=plan2025, name=PLACEMENTS[1])
    for _ in range(ROUNDS):
        kind, run = _prepare(plan2025, lead_user, body)
        imported, submitted = race(
            _import(kind, run.pk, plan2025, lead_user),
            lambda: workflow.submit(plan2025, body, APRIL, user=lead_user, today=date(2026, 5, 1)),
        )
        submission = FigureSubmission.objects.get(plan=plan2025, member_body=body, month=APRIL)
        figure = KpiFigure.objects.get(kpi=kpi, member_body=body, month=APRIL)
        assert isinstance(submitted, FigureSubmission), submitted  # the figures were complete either way
        assert submission.status == Status.SUBMITTED
        if imported == ImportRun.Status.IMPORTED:
            # Serial order import → submit: the new figure was there before the month was submitted.
            assert figure.value == 777 and figure.updated_at < submission.submitted_at
        else:
            # Serial order submit → import: the import saw the submitted month and wrote nothing.
            assert imported == ImportRun.Status.INVALID and figure.value == 1
            assert "提出済" in " ".join(i["message"] for i in ImportRun.objects.get(pk=run.pk).issues)


@PG_ONLY
@pytest.mark.parametrize("action", ["approve", "return"])
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_an_import_and_a_decision_at_the_same_moment_stay_serialisable(gunma, plan2025, lead_user, action):
    body = gunma.member_bodies.get(name="群馬労働局")
    kpi = Kpi.objects.get(measure__section__plan=plan2025, name=PLACEMENTS[1])
    for _ in range(ROUNDS // 2):
        kind, run = _prepare(plan2025, lead_user, body)
        FigureSubmission.objects.create(plan=plan2025, member_body=body, month=APRIL, status=Status.SUBMITTED)
        reason = "確認のため" if action == "return" else ""
        imported, decided = race(
            _import(kind, run.pk, plan2025, lead_user),
            lambda: workflow.decide(FigureSubmission.objects.get(plan=plan2025, member_body=body, month=APRIL), action, user=lead_user, reason=reason),
        )
        submission = FigureSubmission.objects.get(plan=plan2025, member_body=body, month=APRIL)
        figure = KpiFigure.objects.get(kpi=kpi, member_body=body, month=APRIL)
        assert isinstance(decided, FigureSubmission), decided
        if imported == ImportRun.Status.IMPORTED:
            # Only after a return may the import go in, and then after the decision.
            assert submission.status == Status.RETURNED and figure.updated_at > submission.decided_at
        else:
            assert figure.value == 1
