"""Monthly KPI entry, submission and approval. Views resolve who and what; kpi/entry.py and
kpi/workflow.py hold the rules."""
from collections import defaultdict
from datetime import date

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from kpi import workflow
from kpi.approvals import approved_rows, submission_label, waiting_months
from kpi.entry import build_grid, figure_history_entries, save_comment, save_grid, saved_message
from kpi.confirmation import (
    basis_caption, basis_for, confirmed_through, counted_figures, may_choose_provisional, may_see_unconfirmed,
)
from kpi.deadlines import due_date
from kpi.models import FigureSubmission, Kpi, KpiFigure, ReportingSchedule
from kpi.reminders_forms import ReportingScheduleForm
from kpi.tasks import schedule_from_settings
from core import locking
from core.access import may, requires_any, require
from core.audit import history_entries
from core.fiscal import fiscal_months, months_ended
from core.states import by_name


def _plan(request, fiscal_year):
    return get_object_or_404(request.platform.plans, fiscal_year=fiscal_year)


def _month(plan, year, month) -> date:
    try:
        first = date(year, month, 1)
    except ValueError:
        raise Http404 from None
    if first not in fiscal_months(plan.fiscal_year):
        raise Http404
    return first


@requires_any("enter_own_figures")
def entry(request, fiscal_year):
    if not request.user.member_body_id:
        raise Http404
    return _grid_page(request, _plan(request, fiscal_year), request.user.member_body)


# A grid shows what is not yet confirmed (drafts, returned months): for the body itself and the
# secretariat only (kpi/confirmation.py); readers see confirmed values on the other pages.
@requires_any("view_unconfirmed_figures", "enter_own_figures")
def entry_body(request, fiscal_year, body_id):
    plan = _plan(request, fiscal_year)
    body = get_object_or_404(request.platform.member_bodies, pk=body_id)
    return _grid_page(request, plan, body)


def _grid_page(request, plan, body):
    editable = may(request.user, "enter_own_figures", body)
    if not editable and not may_see_unconfirmed(request.user, body):
        raise PermissionDenied(f"「{body}」の未確定の実績を表示する権限がありません。")
    today = timezone.localdate()
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(f"「{body}」の実績を入力する権限がありません。")
        result = save_grid(plan, body, request.POST, user=request.user, as_of=today)
        if result.ok:
            messages.success(request, saved_message(result))
            return redirect(request.path)
        grid = result.grid
    else:
        grid = build_grid(plan, body, as_of=today, editable=editable)
    return render(request, "kpi/entry.html", {"plan": plan, "body": body, "grid": grid})


@require_POST
@requires_any("enter_own_figures")
def submit_month(request, fiscal_year, body_id, year, month):
    plan = _plan(request, fiscal_year)
    body = get_object_or_404(request.platform.member_bodies, pk=body_id)
    require(request.user, "enter_own_figures", body)
    first = _month(plan, year, month)
    try:
        workflow.submit(plan, body, first, user=request.user, today=timezone.localdate())
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{first.month}月の実績を提出しました。事務局の承認をお待ちください。")
    return redirect("kpi:entry_body", plan.fiscal_year, body.pk)


# Each change with the staff member who made it: the body's own and the secretariat's to see.
@requires_any("view_unconfirmed_figures", "enter_own_figures")
def figure_history(request, fiscal_year, body_id, kpi_id, year, month):
    plan = _plan(request, fiscal_year)
    body = get_object_or_404(request.platform.member_bodies, pk=body_id)
    kpi = get_object_or_404(Kpi.objects.select_related("measure__section__parent__parent"), pk=kpi_id, measure__section__plan=plan, reporting_bodies=body)
    first = _month(plan, year, month)
    editable = may(request.user, "enter_own_figures", body)
    if not editable and not may_see_unconfirmed(request.user, body):
        raise PermissionDenied(f"「{body}」の実績の履歴を表示する権限がありません。")
    figure = KpiFigure.objects.filter(kpi=kpi, member_body=body, month=first).select_related("updated_by").first()
    submission = FigureSubmission.objects.filter(plan=plan, member_body=body, month=first).first()
    locked = submission is not None and submission.is_locked
    if request.method == "POST":
        if not editable or locked or figure is None:
            raise PermissionDenied("このコメントは編集できません。")
        try:
            save_comment(figure, request.POST.get("comment", ""), request.POST.get("version", ""), user=request.user)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, "コメントを保存しました。")
        return redirect(request.path)
    return render(
        request,
        "kpi/figure_history.html",
        {
            "plan": plan, "body": body, "kpi": kpi, "month": first, "figure": figure, "submission": submission,
            "can_comment": editable and not locked and figure is not None,
            "entries": figure_history_entries(kpi, body, first),
            "months": fiscal_months(plan.fiscal_year),
            "submission_entries": history_entries(submission.history.select_related("history_user")) if submission else [],
        },
    )


@requires_any("approve_figures")
def approvals(request, fiscal_year):
    plan = _plan(request, fiscal_year)
    submissions = list(
        FigureSubmission.objects.filter(plan=plan)
        .exclude(status=FigureSubmission.Status.DRAFT)
        .select_related("plan", "member_body", "submitted_by", "decided_by")
        .order_by("month", "member_body__order", "member_body__name")
    )
    Status = FigureSubmission.Status
    approved = [s for s in submissions if s.status == Status.APPROVED]
    return render(
        request,
        "kpi/approvals.html",
        {
            "plan": plan,
            "waiting": waiting_months(plan, [s for s in submissions if s.status == Status.SUBMITTED]),
            "approved": approved,
            "approved_rows": approved_rows(sorted(approved, key=lambda s: (s.member_body.order, s.member_body.name, s.month))),
            "returned": [s for s in submissions if s.status == Status.RETURNED],
        },
    )


@require_POST
@requires_any("approve_figures")
def approve_many(request, fiscal_year):
    """まとめて承認: the ticked months are listed for one confirmation, then each is approved on its own."""
    plan = _plan(request, fiscal_year)
    choices = workflow.parse_choices(request.POST.getlist("chosen"))
    back = reverse("kpi:approvals", args=[plan.fiscal_year])
    if not choices:
        messages.error(request, "承認する月を選んでください。")
        return redirect(back)
    if request.POST.get("confirmed") != "1":
        chosen = {s.pk: s for s in FigureSubmission.objects.filter(plan=plan, pk__in=[pk for pk, _ in choices]).select_related("member_body")}
        listed = [(chosen[pk], version) for pk, version in choices if pk in chosen]
        return render(request, "kpi/approvals_confirm.html", {"plan": plan, "listed": listed})
    result = workflow.decide_many(plan, choices, "approve", user=request.user)
    if result.done:
        messages.success(request, f"{len(result.done)}件の月の実績を承認しました：" + "、".join(submission_label(s) for s in result.done))
    for refusal in result.refused:
        messages.error(request, f"承認しませんでした。{refusal}")
    return redirect(back)


@require_POST
@requires_any("approve_figures")
def reopen(request, fiscal_year):
    """One approved month reopened, with its reason, chosen from the compact list."""
    plan = _plan(request, fiscal_year)
    choices = workflow.parse_choices([request.POST.get("submission", "")])
    if not choices:
        messages.error(request, "再開する機関と月を選んでください。")
    else:
        result = workflow.decide_many(plan, choices, "reopen", user=request.user, reason=request.POST.get("reason", ""))
        for submission in result.done:
            messages.success(request, f"{submission_label(submission)}の実績を再開しました。")
        for refusal in result.refused:
            messages.error(request, refusal)
    return redirect(reverse("kpi:approvals", args=[plan.fiscal_year]))


@require_POST
@requires_any("approve_figures")
def decide(request, pk):
    submission = get_object_or_404(FigureSubmission.objects.select_related("plan", "member_body"), pk=pk, plan__platform=request.platform)
    action = request.POST.get("action", "")
    try:
        workflow.decide(
            submission, action, user=request.user, reason=request.POST.get("reason", ""), seen_version=request.POST.get("version")
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        done = by_name(FigureSubmission.DECISIONS, action).done
        messages.success(request, f"{submission.member_body}の{submission.month.month}月の実績を{done}。")
    return redirect(reverse("kpi:approvals", args=[submission.plan.fiscal_year]))


@requires_any("send_reminders")
def reminder_schedule(request):
    """提出期限と自動督促: the platform's due day and automatic reminders, for the secretariat to set."""
    schedule = ReportingSchedule.for_platform(request.platform.pk)
    # The examples show the stored due day: the form's validation writes the typed one (say 0 or
    # 31) onto the instance even when it refuses it.
    saved_due_day = schedule.due_day
    form = ReportingScheduleForm(request.POST or None, instance=schedule)
    if request.method == "POST" and form.is_valid() and locking.saved(form, first_save_race=True):
        if schedule.auto_reminders:
            schedule_from_settings()  # the daily task is waiting from now on, not only after the next deployment
        messages.success(request, "提出期限と自動督促の設定を保存しました。")
        return redirect("kpi:reminder_schedule")
    today = timezone.localdate()
    upcoming = [(month, due_date(month, saved_due_day)) for month in _recent_months(today)]
    return render(request, "kpi/reminder_schedule.html", {"form": form, "schedule": schedule, "upcoming": upcoming})


def _recent_months(today: date) -> list[date]:
    """The last ended month and the current one: the due dates the settings page shows as examples."""
    this = today.replace(day=1)
    return [date(this.year - 1, 12, 1) if this.month == 1 else this.replace(month=this.month - 1), this]


@requires_any("view_figures")
def charts(request, fiscal_year):
    """Each KPI's monthly actual against its target: the same drawing as in the meeting packet."""
    from kpi.charts import kpi_chart_svg, svg_data_uri
    from kpi.services import monthly_provisional, monthly_totals

    plan = _plan(request, fiscal_year)
    kpis = list(
        Kpi.objects.filter(measure__section__plan=plan)
        .select_related("measure__section__parent__parent")
        .order_by("measure__section__order", "measure__order", "order", "id")
    )
    basis = basis_for(request.user, request.GET.get("provisional") == "1")
    cutoff = confirmed_through(plan)
    figures = defaultdict(list)
    counted = counted_figures(KpiFigure.objects.filter(kpi__in=kpis), basis)
    for figure in counted.only("kpi_id", "member_body_id", "month", "value", "numerator", "denominator"):
        figures[figure.kpi_id].append(figure)
    labels = [f"{m.month}月" for m in fiscal_months(plan.fiscal_year)]
    drawn = []
    ended = months_ended(plan.fiscal_year, timezone.localdate())
    for kpi in kpis:
        flags = monthly_provisional(figures[kpi.pk])
        # Drawn as the packet draws it: the running total stops at the last month that is over.
        svg = kpi_chart_svg(kpi, monthly_totals(kpi, figures[kpi.pk]), labels, provisional=flags, months_ended=ended)
        if svg:
            marked = [label for label, flag in zip(labels, flags) if flag]
            drawn.append((kpi, svg_data_uri(svg), marked))
    return render(
        request, "kpi/charts.html",
        {
            "plan": plan, "charts": drawn, "basis": basis, "may_choose_provisional": may_choose_provisional(request.user),
            "basis_caption": basis_caption(basis, cutoff),
        },
    )
