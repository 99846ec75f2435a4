"""Roadmap review, my tasks, progress reports and their review and consolidation.

Views resolve the plan and objects through the user's platform and check permissions; the
rules live in plans/progress.py.
"""
from django.contrib import messages
from django.db import IntegrityError
from django.db.models import Q
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST, require_safe

from kpi.reporting import reporting_matrix, reports_figures
from kpi.services import plan_achievements
from plans import progress
from kpi.choices import MeasureType
from kpi.models import Kpi
from plans.forms import (
    GoalComponentFormSet, goal_component_kpi_choices, NewPlanForm, NumericGoalFormSet, PlanCategoryFormSet, ProgressReportForm, ProgressSummaryForm,
    ReportingPeriodFormSet, RoadmapFilterForm,
)
from plans.services import create_plan, save_plan_list
from plans.models import Measure, ProgressReport, ProgressSummary
from kpi.confirmation import CONFIRMED, basis_caption, basis_for, confirmed_through, may_choose_provisional
from plans.roadmap import attach_kpi_results, filter_tree, roadmap_tree
from core import locking
from core.access import may, requires_any, require
from core.audit import history_entries
from core.states import by_name
from core.tenancy import working_plan


def _plan(request, fiscal_year):
    return get_object_or_404(request.platform.plans, fiscal_year=fiscal_year)


def _measure(plan, measure_id):
    return get_object_or_404(
        Measure.objects.select_related("section__parent__parent", "section__plan"), pk=measure_id, section__plan=plan
    )


def _attach_status(tree, plan, today, basis=CONFIRMED):
    statuses = progress.latest_statuses(plan)
    attach_kpi_results(tree, plan, today, basis)
    for node in tree:
        for section in node.walk():
            for measure in section.measures:
                measure.status = statuses.get(measure.pk) or progress.MeasureStatus()
    return statuses


@requires_any("view_plan")
def roadmap(request, fiscal_year):
    platform = request.platform
    plan = _plan(request, fiscal_year)
    tree = roadmap_tree(plan)
    # 確定値 unless 速報値 are asked for and the user may see them (kpi/confirmation.py).
    basis = basis_for(request.user, request.GET.get("provisional") == "1")
    _attach_status(tree, plan, timezone.localdate(), basis)
    form = RoadmapFilterForm(
        request.GET or None,
        categories=platform.support_categories.all(),
        bodies=platform.member_bodies.filter(membership="member"),
    )
    measure_ids = None
    if form.is_valid() and any(form.cleaned_data.values()):
        data = form.cleaned_data
        measure_ids = set()
        for node in tree:
            for section in node.walk():
                for measure in section.measures:
                    if data["category"] and data["category"] not in {c.pk for c in measure.categories.all()}:
                        continue
                    if data["status"] and data["status"] not in measure.status.progress_values:
                        continue
                    measure_ids.add(measure.pk)
        if data["body"]:
            body = platform.member_bodies.get(pk=data["body"])
            measure_ids &= set(Measure.objects.for_body(body, plan).values_list("pk", flat=True))
        tree = filter_tree(tree, measure_ids)
    return render(
        request,
        "plans/roadmap.html",
        {
            "platform": platform,
            "platform_name": platform.name_for_fiscal_year(fiscal_year),
            "plan": plan,
            "tree": tree,
            "form": form,
            "filtered": measure_ids is not None,
            "can_review": may(request.user, "review_progress"),
            "basis": basis,
            "basis_caption": basis_caption(basis, confirmed_through(plan)),
            "may_choose_provisional": may_choose_provisional(request.user),
        },
    )


@requires_any("report_own_progress")
def my_tasks(request, fiscal_year):
    plan = _plan(request, fiscal_year)
    body = request.user.member_body
    if body is None:
        raise Http404
    measures = list(
        Measure.objects.for_body(body, plan)
        .select_related("section__parent__parent")
        .prefetch_related("kpis", "responsible_parties")
        .order_by("section__order", "order", "id")
    )
    achievements = plan_achievements(plan, timezone.localdate())
    periods = list(plan.reporting_periods.all())
    reports = {
        (r.measure_id, r.period_id): r
        for r in ProgressReport.objects.filter(member_body=body, period__plan=plan)
    }
    for measure in measures:
        measure.kpi_lines = [(kpi, achievements[kpi.pk]) for kpi in measure.kpis.all()]
        measure.period_reports = [(period, reports.get((measure.pk, period.pk))) for period in periods]
    # The body's own months still owed, against their due dates (kpi/deadlines.py), when it reports any KPI.
    owed = []
    if reports_figures(request.user, plan.fiscal_year):
        matrix = reporting_matrix(plan, timezone.localdate(), bodies=[body], with_due=True)
        owed = [cell for cell in matrix.rows[0].cells if cell.is_outstanding]
    return render(
        request, "plans/my_tasks.html", {"plan": plan, "body": body, "measures": measures, "periods": periods, "owed_months": owed}
    )


@requires_any("report_own_progress")
def report_edit(request, fiscal_year, measure_id, period_id):
    plan = _plan(request, fiscal_year)
    measure = _measure(plan, measure_id)
    period = get_object_or_404(plan.reporting_periods, pk=period_id)
    require(request.user, "report_own_progress", measure)
    body = request.user.member_body
    report = ProgressReport.objects.filter(measure=measure, period=period, member_body=body).first() or ProgressReport(
        measure=measure, period=period, member_body=body
    )
    editable = report.is_editable
    form = ProgressReportForm(request.POST or None, instance=report, initial={"version": report.version})
    if request.method == "POST":
        if not editable:
            raise PermissionDenied(f"この報告は{report.get_review_status_display()}のため編集できません。")
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in progress.REPORT_FIELDS}
            submit = "submit" in request.POST
            try:
                saved = progress.save_report(
                    ProgressReport.objects.get(pk=report.pk) if report.pk else report,
                    values, submit=submit, user=request.user, posted_version=form.cleaned_data["version"],
                )
            except ValidationError as exc:
                if hasattr(exc, "error_dict"):
                    for name, errors in exc.message_dict.items():
                        form.add_error(name if name in form.fields else None, errors)
                else:
                    form.add_error(None, exc.messages)
            else:
                messages.success(request, "報告を提出しました。" if submit else "下書きを保存しました。")
                if submit:
                    return redirect("plans:my_tasks", plan.fiscal_year)
                return redirect("plans:report_edit", plan.fiscal_year, measure.pk, period.pk)
    return render(
        request,
        "plans/report_edit.html",
        {"plan": plan, "measure": measure, "period": period, "report": report, "form": form, "editable": editable,
         "comments": report.comments.select_related("author") if report.pk else []},
    )


def _report(request, pk):
    report = get_object_or_404(
        ProgressReport.objects.select_related("measure__section__plan", "measure__section__parent__parent", "period", "member_body"),
        pk=pk, measure__section__plan__platform=request.platform,
    )
    if not progress.can_view(request.user, report):
        raise Http404
    return report


@requires_any("view_plan", "report_own_progress")
def report_detail(request, pk):
    report = _report(request, pk)
    return render(
        request,
        "plans/report_detail.html",
        {
            "report": report,
            "plan": report.measure.section.plan,
            "comments": report.comments.select_related("author"),
            "entries": history_entries(report.history.select_related("history_user")),
            "can_review": may(request.user, "review_progress", report),
        },
    )


@require_POST
@requires_any("review_progress")
def report_review(request, pk):
    report = _report(request, pk)
    action = request.POST.get("action", "")
    try:
        progress.review(report, action, request.POST.get("body", ""), user=request.user)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, by_name(ProgressReport.ACTIONS, action).done)
    return redirect("plans:report_detail", report.pk)


@requires_any("review_progress", "consolidate_progress")
def consolidation(request, fiscal_year, period_id=None):
    plan = _plan(request, fiscal_year)
    periods = list(plan.reporting_periods.all())
    if period_id is None:
        today = timezone.localdate()
        started = [p for p in periods if p.starts_on <= today]
        period = (started or periods or [None])[-1]
        if period is None:
            raise Http404("報告期間が登録されていません。")
    else:
        period = next((p for p in periods if p.pk == period_id), None)
        if period is None:
            raise Http404
    measures = list(
        Measure.objects.filter(section__plan=plan)
        .select_related("section__parent__parent")
        .prefetch_related("responsible_parties")
        .order_by("section__order", "order", "id")
    )
    bodies = progress.measure_bodies(plan, measures)
    reports = {}
    for report in ProgressReport.objects.filter(period=period).select_related("member_body"):
        reports[(report.measure_id, report.member_body_id)] = report
    summaries = {s.measure_id: s for s in ProgressSummary.objects.filter(period=period)}
    for measure in measures:
        measure.rows = []
        for body in bodies[measure.pk]:
            report = reports.get((measure.pk, body.pk))
            visible = report if report is not None and report.review_status != ProgressReport.Review.DRAFT else None
            measure.rows.append((body, visible))
        measure.missing = [body for body, report in measure.rows if report is None]
        measure.summary = summaries.get(measure.pk)
    return render(
        request,
        "plans/consolidation.html",
        {"plan": plan, "period": period, "periods": periods, "measures": measures,
         "can_consolidate": may(request.user, "consolidate_progress")},
    )


@requires_any("consolidate_progress")
def summary_edit(request, fiscal_year, period_id, measure_id):
    plan = _plan(request, fiscal_year)
    period = get_object_or_404(plan.reporting_periods, pk=period_id)
    measure = _measure(plan, measure_id)
    summary = ProgressSummary.objects.filter(measure=measure, period=period).first() or ProgressSummary(measure=measure, period=period)
    reports = list(
        ProgressReport.objects.filter(measure=measure, period=period).exclude(review_status=ProgressReport.Review.DRAFT).select_related("member_body")
    )
    initial = {} if summary.pk else {"summary": progress.default_summary_text(reports)}
    form = ProgressSummaryForm(request.POST or None, instance=summary, initial=initial)
    if request.method == "POST" and form.is_valid():
        form.instance.updated_by = request.user
        try:
            form.save()
        except locking.StaleEdit as exc:
            form.add_error(None, exc)
        except IntegrityError:
            # Two first summaries at once: the unique constraint let one in (inside edit()'s savepoint).
            form.add_error(None, locking.StaleEdit(ProgressSummary.stale_message))
        else:
            messages.success(request, f"「{measure}」の進捗をとりまとめました。")
            return redirect("plans:consolidation_period", plan.fiscal_year, period.pk)
    return render(request, "plans/summary_edit.html", {"plan": plan, "period": period, "measure": measure, "form": form, "reports": reports})


@require_POST
@requires_any("edit_plan")
def rollover(request, fiscal_year):
    from plans.rollover import copy_plan

    plan = _plan(request, fiscal_year)
    try:
        copy = copy_plan(plan, plan.fiscal_year + 1)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("plans:roadmap", plan.fiscal_year)
    messages.success(request, f"{plan.fiscal_year + 1}年度の計画を{plan.fiscal_year}年度から作りました（策定中）。実績と進捗報告は引き継いでいません。")
    return redirect("plans:diff", copy.fiscal_year, plan.fiscal_year)


@requires_any("view_plan")
def diff(request, fiscal_year, other_year):
    from plans.rollover import plan_diff

    plan, other = _plan(request, fiscal_year), _plan(request, other_year)
    return render(request, "plans/diff.html", {"plan": plan, "other": other, "diff": plan_diff(other, plan)})


# --- Plan settings (計画の設定): categories, numeric goals and their components, reporting periods ---------

def _settings_plan(request, fiscal_year):
    return get_object_or_404(
        request.platform.plans.prefetch_related("categories__category", "reporting_periods", "numeric_goals__components__kpi"),
        fiscal_year=fiscal_year,
    )


@require_safe
@requires_any("edit_plan")
def settings(request, fiscal_year):
    plan = _settings_plan(request, fiscal_year)
    return render(request, "plans/settings.html", {"plan": plan, "plans": request.platform.plans.all()})


@require_safe
@requires_any("edit_plan")
def settings_home(request):
    """The menu's entry: the settings of the year being worked on, or starting a first plan."""
    plan = working_plan(request.platform)
    return redirect("plans:settings", plan.fiscal_year) if plan else redirect("plans:settings_new")


@requires_any("edit_plan")
def settings_new(request):
    form = NewPlanForm(request.POST or None, platform=request.platform)
    if request.method == "POST" and form.is_valid():
        plan = create_plan(form.instance)
        messages.success(request, f"{plan.fiscal_year}年度の事業実施計画を作りました。報告期間は上半期・下半期を設定しています。")
        return redirect("plans:settings", plan.fiscal_year)
    return render(request, "plans/settings_new.html", {"form": form, "plans": request.platform.plans.all()},
                  status=400 if request.method == "POST" else 200)


# Each list of a plan: the formset, its page title, and the help printed above it.
_LISTS = {
    "periods": (ReportingPeriodFormSet, "報告期間", "進捗報告の対象期間と報告期限。年度の中で設定します。進捗報告がある期間は削除できません。"),
    "categories": (PlanCategoryFormSet, "支援対象者の類型",
                   "類型ごとの定義・推計対象者数・支援目標。番号（①②③…）は年度をまたいで同じ類型を指します。"),
    "goals": (NumericGoalFormSet, "数値目標", "計画の数値目標（例: 正規雇用者の増加数 3,325人）。実績は内訳のＫＰＩの合計です。内訳は目標ごとに設定します。"),
}


@requires_any("edit_plan")
def settings_list(request, fiscal_year, kind):
    plan = _settings_plan(request, fiscal_year)
    if kind not in _LISTS:
        raise Http404
    formset_class, title, help_text = _LISTS[kind]
    formset = formset_class(request.POST or None, instance=plan, prefix=kind)
    return _save_list(request, plan, formset, title=title, help_text=help_text, back=("plans:settings", plan.fiscal_year))


@requires_any("edit_plan")
def settings_goal(request, fiscal_year, goal_id):
    plan = _settings_plan(request, fiscal_year)
    goal = get_object_or_404(plan.numeric_goals, pk=goal_id)
    # A component's actuals are a count KPI's figures; each KPI feeds at most one goal.
    kpis = (
        Kpi.objects.filter(measure__section__plan=plan, measure_type=MeasureType.COUNT)
        .filter(Q(goal_component__isnull=True) | Q(goal_component__goal=goal))
        .select_related("measure__section__parent__parent")
    )
    formset = GoalComponentFormSet(request.POST or None, instance=goal, prefix="components",
                                   form_kwargs={"kpis": kpis, "kpi_choices": goal_component_kpi_choices(kpis)})
    return _save_list(request, plan, formset, title=f"数値目標「{goal.label}」の内訳",
                      help_text="内訳ごとに、実績を入力する件数のＫＰＩを選びます（目標値と入力する機関はＫＰＩに設定します）。",
                      back=("plans:settings", plan.fiscal_year))


def _save_list(request, plan, formset, *, title, help_text, back):
    if request.method == "POST" and formset.is_valid():
        try:
            save_plan_list(plan, formset, request.POST.get("version"))
        except ValidationError as exc:
            formset._non_form_errors = formset.error_class(exc.messages)
            plan.refresh_from_db(fields=["version"])
        else:
            messages.success(request, f"{plan.fiscal_year}年度の{title}を保存しました。")
            return redirect(*back)
    return render(request, "plans/settings_list.html", {"plan": plan, "formset": formset, "title": title, "help_text": help_text},
                  status=400 if request.method == "POST" else 200)
