"""Municipal platforms' reports: who sees and writes which, and the prefecture's handling."""
from django.utils import timezone

from municipal_pf.models import MunicipalPlatform, MunicipalReport
from core import locking


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


def save_report(report, user, *, posted_version=None):
    """Create or update; an update checks the version the form showed (core/locking.py), so no edit is lost.

    Answering stamps who answered and when; changing an answer stamps it again.
    """
    if report.pk is None:
        report.submitted_by = user
    with locking.edit(report, report.version if posted_version is None else posted_version) as before:
        answered = report.status == MunicipalReport.Status.ANSWERED
        if answered and (before is None or before.status != report.status or before.response != report.response):
            report.responded_by, report.responded_at = user, timezone.now()
        report.full_clean()
    return report
