"""The platform settings screens (プラットフォームの設定) for the secretariat.

The platform's own wording (meeting rule, confidentiality clause, chair), its stages, and its
guidelines with their amendments. Who may change them is role data (manage_platform_settings);
every save is audited and locked on the version the page showed (core.locking), so nothing
typed by someone else in the meantime is overwritten. The names by year keep their own screen
(onboarding, `platform_names`), linked from here.

Who may read the settings without editing them proposes changes instead (propose_platform_settings,
by default the deputy secretariat): the editors see the open proposals on the overview and mark
each 反映済 or 見送り (SettingsProposal.ACTIONS), and the proposer reads the outcome there.
"""
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from core import locking
from core.access import may, require, requires_any
from core.audit import history_entries
from core.forms import AmendmentFormSet, GuidelineForm, PlatformSettingsForm, ProposalDecisionForm, SettingsProposalForm, StageFormSet
from core.models import Guideline, Platform, SettingsProposal

SETTINGS = "manage_platform_settings"
PROPOSE = "propose_platform_settings"
DECIDED_SHOWN = 20  # the latest decisions on the page; older ones stay in the history


def _platform(request) -> Platform:
    # The request's platform is a lazy object; the locked save needs the model instance itself.
    return Platform.objects.get(pk=request.platform.pk)


def _history(platform):
    """The platform record's changes, newest first (the lists have their own on the admin)."""
    return history_entries(platform.history.select_related("history_user")[:20])


def _overview(request, platform, *, form=None, proposal_form=None, decision=None, status=200):
    """The overview page: the settings (a form for the editors, read-only for the others) and the proposals."""
    if form is None and may(request.user, SETTINGS):
        form = PlatformSettingsForm(instance=platform)
    proposals = SettingsProposal.objects.restrict(request.user, SETTINGS, PROPOSE).select_related("proposed_by", "decided_by")
    open_proposals = list(proposals.filter(status=SettingsProposal.Status.OPEN))
    unshown = decision
    for proposal in open_proposals:
        # A decision refused (a missing note, someone else's decision first) is shown again on its proposal.
        bound = decision is not None and decision.proposal.pk == proposal.pk
        proposal.decision_form = decision if bound else ProposalDecisionForm(proposal=proposal)
        unshown = None if bound else unshown
    if proposal_form is None and may(request.user, PROPOSE):
        proposal_form = SettingsProposalForm()
    return render(request, "settings/overview.html", {
        "platform": platform, "form": form, "names": platform.names.all(), "stages": platform.stages.all(),
        "guidelines": platform.guidelines.prefetch_related("amendments"), "history": _history(platform),
        "open_proposals": open_proposals, "decided_proposals": proposals.exclude(status=SettingsProposal.Status.OPEN)[:DECIDED_SHOWN],
        "proposal_form": proposal_form,
        "decision_errors": unshown.non_field_errors() if unshown is not None else (),  # its proposal was decided meanwhile
    }, status=status)


@requires_any(SETTINGS, PROPOSE)
def overview(request):
    platform = _platform(request)
    if request.method != "POST":
        return _overview(request, platform)
    require(request.user, SETTINGS)  # the proposers read the page; only the editors save it
    form = PlatformSettingsForm(request.POST, instance=platform)
    if form.is_valid() and locking.saved(form):
        messages.success(request, "プラットフォームの設定を保存しました。")
        return redirect("platform_settings:overview")
    return _overview(request, platform, form=form, status=400)


@requires_any(PROPOSE)
@require_POST
def propose(request):
    platform = _platform(request)
    form = SettingsProposalForm(request.POST, instance=SettingsProposal(platform=platform, proposed_by=request.user))
    if form.is_valid():
        form.save()
        messages.success(request, "変更の提案を送りました。判断の結果はこのページに表示されます。")
        return redirect(reverse("platform_settings:overview") + "#proposals")
    return _overview(request, platform, proposal_form=form, status=400)


@requires_any(SETTINGS)
@require_POST
def decide(request, pk):
    # Through the restricted queryset: another platform's proposal is a 404.
    proposal = get_object_or_404(SettingsProposal.objects.restrict(request.user, SETTINGS), pk=pk)
    form = ProposalDecisionForm(request.POST, proposal=proposal)
    if form.is_valid():
        try:
            action = proposal.decide(request.user, form.cleaned_data["action"], form.cleaned_data["note"], form.cleaned_data["version"])
        except ValidationError as exc:  # a missing reason, or locking.StaleEdit: nothing was saved
            form.add_error(None, exc)
            if isinstance(exc, locking.StaleEdit):
                # The page shows the proposal as it is now; a new decision is taken on that version.
                data = request.POST.copy()
                data[form.add_prefix("version")] = SettingsProposal.objects.get(pk=pk).version
                form.data = data
        else:
            messages.success(request, f"提案を{action.done}。")
            return redirect(reverse("platform_settings:overview") + "#proposals")
    return _overview(request, _platform(request), decision=form, status=400)


@requires_any(SETTINGS)
def stages(request):
    platform = _platform(request)
    formset = StageFormSet(request.POST or None, instance=platform, prefix="stages")
    if request.method == "POST" and formset.is_valid():
        try:
            # The list is the platform's: saved whole, on the platform's version the page showed.
            with locking.edit(platform, request.POST.get("version")):
                formset.save()
                platform._change_reason = "ステージの一覧を保存"  # the platform's history says why its version moved
        except locking.StaleEdit as exc:
            formset._non_form_errors = formset.error_class(exc.messages)
            platform.refresh_from_db(fields=["version"])
        else:
            messages.success(request, "ステージを保存しました。")
            return redirect("platform_settings:overview")
    return render(request, "settings/stages.html", {"platform": platform, "formset": formset},
                  status=400 if request.method == "POST" else 200)


@requires_any(SETTINGS)
def guideline(request, pk=None):
    platform = _platform(request)
    instance = get_object_or_404(platform.guidelines, pk=pk) if pk else Guideline(platform=platform)
    form = GuidelineForm(request.POST or None, instance=instance)
    amendments = AmendmentFormSet(request.POST or None, instance=instance, prefix="amendments")
    if request.method == "POST" and form.is_valid() and amendments.is_valid():
        try:
            with transaction.atomic():  # the guideline and all its amendments, or nothing
                form.save()
                amendments.instance = form.instance
                amendments.save()
        except locking.StaleEdit as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, f"「{form.instance.title}」を保存しました。")
            return redirect("platform_settings:overview")
    return render(request, "settings/guideline.html", {"platform": platform, "guideline": instance if pk else None, "form": form,
                                                        "amendments": amendments},
                  status=400 if request.method == "POST" else 200)
