"""The platform settings screens (プラットフォームの設定) for the secretariat.

The platform's own wording (meeting rule, confidentiality clause, chair), its stages, and its
guidelines with their amendments. Who may change them is role data (manage_platform_settings);
every save is audited and locked on the version the page showed (core.locking), so nothing
typed by someone else in the meantime is overwritten. The names by year keep their own screen
(onboarding, `platform_names`), linked from here.
"""
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render

from core import locking
from core.access import requires_any
from core.audit import history_entries
from core.forms import AmendmentFormSet, GuidelineForm, PlatformSettingsForm, StageFormSet
from core.models import Guideline, Platform

SETTINGS = "manage_platform_settings"


def _platform(request) -> Platform:
    # The request's platform is a lazy object; the locked save needs the model instance itself.
    return Platform.objects.get(pk=request.platform.pk)


def _history(platform):
    """The platform record's changes, newest first (the lists have their own on the admin)."""
    return history_entries(platform.history.select_related("history_user")[:20])


@requires_any(SETTINGS)
def overview(request):
    platform = _platform(request)
    form = PlatformSettingsForm(request.POST or None, instance=platform)
    if request.method == "POST" and form.is_valid() and locking.saved(form):
        messages.success(request, "プラットフォームの設定を保存しました。")
        return redirect("platform_settings:overview")
    return render(request, "settings/overview.html", {
        "platform": platform, "form": form, "names": platform.names.all(), "stages": platform.stages.all(),
        "guidelines": platform.guidelines.prefetch_related("amendments"), "history": _history(platform),
    }, status=400 if request.method == "POST" else 200)


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
