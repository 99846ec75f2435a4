"""Municipal platforms' reports: who sees and writes which, and the prefecture's handling."""
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from municipal_pf.models import MunicipalPlatform, MunicipalReport
from core.access import may
from core.tenancy import municipal_account_of

STALE = "この報告は、表示した後に他の利用者が更新しました。最新の内容を確認してから、もう一度保存してください。"


def visible_reports(user, platform):
    """All of the platform's reports for those who read or keep municipal records; else the own municipality's."""
    reports = MunicipalReport.objects.filter(municipal_platform__platform=platform).select_related(
        "municipal_platform__municipality", "period", "submitted_by", "responded_by"
    )
    if may(user, "view_municipal") or may(user, "manage_municipal"):
        return reports
    account = municipal_account_of(user)
    return reports.filter(municipal_platform_id=account.municipal_platform_id if account else None)


def writable_platforms(user, platform):
    """The municipal platforms the user may report for: any (liaison) or their own (municipal staff)."""
    platforms = MunicipalPlatform.objects.filter(platform=platform).select_related("municipality").order_by("municipality__code")
    if may(user, "manage_municipal"):
        return platforms
    account = municipal_account_of(user)
    return platforms.filter(pk=account.municipal_platform_id if account else None)


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
