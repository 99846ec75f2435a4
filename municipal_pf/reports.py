"""Municipal platforms' reports: who sees and writes which, and the prefecture's handling."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from municipal_pf.models import MunicipalPlatform, MunicipalReport
from core.access import may

STALE = "この報告は、表示した後に他の利用者が更新しました。最新の内容を確認してから、もう一度保存してください。"


def visible_reports(user):
    """All of the platform's reports for those who read or keep municipal records; else the own municipality's."""
    return MunicipalReport.objects.restrict(user, "view_municipal", "manage_municipal", "report_own_municipal").select_related(
        "municipal_platform__municipality", "period", "submitted_by", "responded_by"
    )


def writable_platforms(user):
    """The municipal platforms the user may report for: any (liaison) or their own (municipal staff)."""
    return (
        MunicipalPlatform.objects.restrict(user, "manage_municipal", "report_own_municipal")
        .select_related("municipality").order_by("municipality__code")
    )


def may_edit(user, report) -> bool:
    """The liaison always; the municipality's own staff while nobody has started handling it."""
    if may(user, "manage_municipal", report):
        return True
    return report.status == MunicipalReport.Status.RECEIVED and may(user, "report_own_municipal", report)


@transaction.atomic
def save_report(report, user, *, posted_version=None):
    """Create or update; an update checks the version the form showed, so no edit is lost.

    Answering stamps who answered and when; changing an answer stamps it again.
    """
    current = None
    if report.pk is not None:
        current = MunicipalReport.objects.select_for_update().get(pk=report.pk)
        if posted_version is not None and str(current.version) != str(posted_version):
            raise ValidationError(STALE)
        report.version = current.version + 1
    else:
        report.submitted_by = user
    answered = report.status == MunicipalReport.Status.ANSWERED
    if answered and (current is None or current.status != report.status or current.response != report.response):
        report.responded_by, report.responded_at = user, timezone.now()
    report.full_clean()
    report.save()
    return report
