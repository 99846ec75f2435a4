"""Platform-level screens: opening a new prefecture's platform, and the platform's names by year."""
from django.contrib import messages
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render

from core import locking
from core.access import requires_any
from onboarding.forms import OpenPlatformForm, PlatformNameForm
from core.models import Platform
from members.invitations import send_invitation
from onboarding.services import Opening, open_platform


@requires_any("administer_system", tenant=False)
def open_new(request):
    form = OpenPlatformForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        platform, user = open_platform(Opening(**form.cleaned_data))
        messages.success(request, f"{platform} を開設しました。")
        # Once the platform is saved for good (the request is one transaction, committed before
        # the messages are stored, so the outcome of the mail still reaches the next page).
        base_url = request.build_absolute_uri("/")
        transaction.on_commit(lambda: _report_invitation(request, user, base_url))
        return redirect("platforms")
    platforms = Platform.objects.all()
    return render(request, "onboarding/open_platform.html", {"form": form, "platforms": platforms})


def _report_invitation(request, user, base_url):
    if send_invitation(user, request.user, base_url=base_url):
        messages.info(request, f"{user.email} にパスワード設定の案内（招待のメール）を送りました。")
    else:
        messages.warning(
            request,
            f"{user.email} に招待のメールを送れませんでした。プラットフォームは開設済みです。"
            f"{user.display_name or user.username} さんには、ログイン画面の「パスワードを忘れた場合・初めてログインする場合」から"
            "このメールアドレスでパスワードを設定してもらってください。",
        )


@requires_any("manage_platform_settings")
def names(request):
    form = PlatformNameForm(request.POST or None, platform=request.platform)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{form.instance.from_fiscal_year}年度からの名称を「{form.instance.name}」として記録しました。")
        return redirect("platform_names")
    return render(request, "onboarding/names.html", {"form": form, "names": request.platform.names.all()})


@requires_any("manage_platform_settings")
def name_edit(request, pk):
    """Correct a recorded name (a typo, the wrong year): the list is the platform's, so the save is
    checked against the platform's version the page showed, as the stage list is."""
    platform = Platform.objects.get(pk=request.platform.pk)
    name = get_object_or_404(platform.names, pk=pk)
    form = PlatformNameForm(request.POST or None, instance=name, platform=platform)
    if request.method == "POST" and form.is_valid():
        try:
            with locking.edit(platform, request.POST.get("version")):
                form.save()
                platform._change_reason = f"{name.from_fiscal_year}年度からの名称を修正"
        except locking.StaleEdit as exc:
            form.add_error(None, exc)
            platform.refresh_from_db(fields=["version"])
        else:
            messages.success(request, f"{name.from_fiscal_year}年度からの名称を「{name.name}」に修正しました。")
            return redirect("platform_names")
    return render(request, "onboarding/name_edit.html", {"form": form, "name": name, "platform": platform},
                  status=400 if request.method == "POST" else 200)
