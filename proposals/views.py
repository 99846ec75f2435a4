"""政策提案: member bodies submit, the secretariat handles and answers."""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import locking
from core.access import may, requires_any, require
from core.audit import history_entries
from core.tenancy import working_plan
from proposals import services
from proposals.forms import HandlingForm, ProposalFilterForm, ProposalForm
from proposals.models import PolicyProposal


def _plan(request):
    # Stored on the request so that the navigation (context processor) reuses it.
    if not hasattr(request, "nav_plan"):
        request.nav_plan = working_plan(request.platform)
    return request.nav_plan


def _render(request, template, context):
    plan = _plan(request)
    context["platform_name"] = request.platform.name_for_fiscal_year(plan.fiscal_year if plan else None)
    return render(request, template, context)


def _visible_proposal(request, pk):
    """Fetched through the platform; a proposal the user may not see is a 404, as if it did not exist."""
    return get_object_or_404(
        services.visible_proposals(request.user).select_related("related_measure", "submitted_by", "responded_by"), pk=pk
    )


def _detail_url(request, proposal):
    return request.build_absolute_uri(reverse("proposals:detail", args=[proposal.pk]))


def _measure_label(measure):
    if measure is None:
        return ""
    _, sections = services.plan_measures(measure.section.plan)
    return services.measure_label(measure, sections, length=80)


@requires_any("submit_proposal", "handle_proposal")
def proposal_list(request):
    filters = ProposalFilterForm(request.GET)
    proposals = filters.apply(services.visible_proposals(request.user))
    return _render(
        request,
        "proposals/list.html",
        {
            "proposals": proposals,
            "filters": filters,
            "sees_all": may(request.user, "handle_proposal"),
            "may_submit": may(request.user, "submit_proposal"),
        },
    )


@requires_any("submit_proposal")
def proposal_new(request):
    proposal = PolicyProposal(platform=request.platform, member_body=request.user.member_body, submitted_by=request.user)
    form = ProposalForm(request.POST or None, instance=proposal, plan=_plan(request))
    if request.method == "POST" and form.is_valid():
        proposal = form.save()
        sent = services.notify_submitted(proposal, _detail_url(request, proposal))
        note = "事務局にメールで知らせました。" if sent else ""
        messages.success(request, f"政策提案「{proposal.title}」を提出しました。{note}")
        return redirect("proposals:detail", pk=proposal.pk)
    return _render(request, "proposals/new.html", {"form": form})


@requires_any("submit_proposal", "handle_proposal")
def proposal_detail(request, pk):
    proposal = _visible_proposal(request, pk)
    return _render(
        request,
        "proposals/detail.html",
        {
            "proposal": proposal,
            "measure_label": _measure_label(proposal.related_measure),
            "history": history_entries(proposal.history.select_related("history_user")),
        },
    )


@requires_any("submit_proposal")
@require_POST
def proposal_withdraw(request, pk):
    proposal = _visible_proposal(request, pk)
    # The secretariat sees the proposal, but only the proposing body may take it back.
    require(request.user, "submit_proposal", proposal)
    try:
        services.withdraw(proposal, request.user, version=request.POST.get("version", ""))
    except ValidationError as error:
        messages.error(request, error.messages[0])
    else:
        messages.success(request, f"政策提案「{proposal.title}」を取り下げました。")
    return redirect("proposals:detail", pk=proposal.pk)


@requires_any("handle_proposal")
def proposal_handle(request, pk):
    proposal = get_object_or_404(request.platform.proposals.select_related("member_body", "related_measure"), pk=pk)
    require(request.user, "handle_proposal", proposal)
    form = HandlingForm.for_proposal(proposal, request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            answered = services.record_handling(
                proposal,
                request.user,
                status=data["status"],
                handling=data["handling"],
                response=data["response"],
                for_agenda=data["for_agenda"],
                version=data["version"],
            )
        except locking.StaleEdit as exc:
            form.add_error(None, exc)
            # The page shows the latest proposal above the form: saving again after reading it is a
            # deliberate overwrite.
            proposal.refresh_from_db()
            form.data = form.data.copy()
            form.data["version"] = proposal.version
        else:
            note = ""
            if answered and services.notify_answered(proposal, _detail_url(request, proposal)):
                note = "提案機関にメールで回答を知らせました。"
            messages.success(request, f"対応状況を「{proposal.get_status_display()}」で保存しました。{note}")
            return redirect("proposals:detail", pk=proposal.pk)
    return _render(
        request,
        "proposals/handle.html",
        {"proposal": proposal, "form": form, "measure_label": _measure_label(proposal.related_measure)},
    )
