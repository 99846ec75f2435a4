"""Platform-level screens: opening a new prefecture's platform, and the platform's names by year."""
from django.contrib import messages
from django.contrib.auth.forms import PasswordResetForm
from django.shortcuts import redirect, render

from core.access import requires_any
from onboarding.forms import OpenPlatformForm, PlatformNameForm
from core.models import Platform
from onboarding.services import Opening, open_platform


@requires_any("administer_system", tenant=False)
def open_new(request):
    form = OpenPlatformForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        platform, user = open_platform(Opening(**form.cleaned_data))
        reset = PasswordResetForm({"email": user.email})
        if reset.is_valid():
            reset.save(request=request, use_https=request.is_secure())
        messages.success(request, f"{platform} を開設しました。{user.email} にパスワード設定の案内を送りました。")
        return redirect("platforms")
    platforms = Platform.objects.all()
    return render(request, "onboarding/open_platform.html", {"form": form, "platforms": platforms})


@requires_any("manage_members")
def names(request):
    form = PlatformNameForm(request.POST or None, platform=request.platform)
    if request.method == "POST" and form.is_valid():
        form.save()
        messages.success(request, f"{form.instance.from_fiscal_year}年度からの名称を「{form.instance.name}」として記録しました。")
        return redirect("platform_names")
    return render(request, "onboarding/names.html", {"form": form, "names": request.platform.names.all()})
