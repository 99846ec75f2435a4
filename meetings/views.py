"""Meetings: records, agenda, attendance and minutes. Rules are in meetings/services.py."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from meetings import services
from meetings.forms import AgendaFormSet, AttendeeFormSet, MeetingForm
from meetings.models import Meeting
from core import locking
from core.access import may, requires_any
from core.audit import history_entries
from core.states import by_name
from core.tenancy import working_plan


def _meeting(request, pk):
    return get_object_or_404(Meeting.objects.select_related("plan__platform"), pk=pk, plan__platform=request.platform)


@requires_any("view_meetings", "manage_meetings")
def meeting_list(request):
    meetings = Meeting.objects.filter(plan__platform=request.platform).select_related("plan").order_by("-plan__fiscal_year", "-number")
    return render(request, "meetings/list.html", {"meetings": meetings, "can_manage": may(request.user, "manage_meetings")})


@requires_any("manage_meetings")
def meeting_new(request):
    plan = working_plan(request.platform)
    meeting = Meeting(plan=plan, created_by=request.user)
    form = MeetingForm(request.POST or None, instance=meeting, initial={"number": Meeting.next_number(plan), "chair_name": request.platform.chair_title})
    if request.method == "POST" and form.is_valid():
        try:
            meeting.validate_constraints()
        except ValidationError as exc:
            form.add_error("number", exc.messages)
        else:
            form.save()
            messages.success(request, f"{meeting}を登録しました。")
            return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/edit.html", {"form": form, "plan": plan})


@requires_any("view_meetings", "manage_meetings")
def meeting_detail(request, pk):
    meeting = _meeting(request, pk)
    return render(
        request,
        "meetings/detail.html",
        {
            "meeting": meeting,
            "overview": services.meeting_overview(meeting),
            "can_manage": may(request.user, "manage_meetings"),
            "entries": history_entries(meeting.history.select_related("history_user")),
        },
    )


def _refuse_if_closed(request, meeting):
    try:
        services.ensure_editable(meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("meetings:detail", meeting.pk)
    return None


@requires_any("manage_meetings")
def meeting_edit(request, pk):
    meeting = _meeting(request, pk)
    if refused := _refuse_if_closed(request, meeting):
        return refused
    form = MeetingForm(request.POST or None, instance=meeting)
    if request.method == "POST" and form.is_valid() and locking.saved(form):
        messages.success(request, "保存しました。")
        return redirect("meetings:detail", meeting.pk)
    return render(request, "meetings/edit.html", {"form": form, "meeting": meeting, "plan": meeting.plan})


def _formset_page(request, pk, formset_class, template, done):
    meeting = _meeting(request, pk)
    if refused := _refuse_if_closed(request, meeting):
        return refused
    kwargs = {"platform": request.platform, "plan": meeting.plan}
    formset = formset_class(request.POST or None, instance=meeting, form_kwargs=kwargs)
    stale = None
    if request.method == "POST" and formset.is_valid():
        try:
            # The meeting's version covers its lists too: rows saved by someone else since this page
            # was shown are not overwritten. All rows go in one transaction, or none.
            with locking.edit(meeting, request.POST.get("version")):
                formset.save()
        except locking.StaleEdit as exc:
            stale = " ".join(exc.messages)
            meeting.refresh_from_db(fields=["version"])
        else:
            messages.success(request, done)
            return redirect("meetings:detail", meeting.pk)
    return render(request, template, {"meeting": meeting, "formset": formset, "stale": stale})


@requires_any("manage_meetings")
def agenda(request, pk):
    return _formset_page(request, pk, AgendaFormSet, "meetings/agenda.html", "次第を保存しました。")


@requires_any("manage_meetings")
def attendance(request, pk):
    return _formset_page(request, pk, AttendeeFormSet, "meetings/attendance.html", "出席者を保存しました。")


@require_POST
@requires_any("manage_meetings")
def attendance_from_members(request, pk):
    meeting = _meeting(request, pk)
    try:
        added = services.attendees_from_members(meeting)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return redirect("meetings:detail", meeting.pk)
    messages.success(request, f"構成員名簿から{added}機関を出席者に加えました。" if added else "構成員名簿の機関はすべて出席者にあります。")
    return redirect("meetings:attendance", meeting.pk)


@require_POST
@requires_any("manage_meetings")
def status(request, pk):
    meeting = _meeting(request, pk)
    action = request.POST.get("action", "")
    try:
        services.change_status(meeting, action, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, f"{meeting}を{by_name(Meeting.ACTIONS, action).done}。")
    return redirect("meetings:detail", meeting.pk)
