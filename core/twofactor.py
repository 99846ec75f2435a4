"""Two-factor authentication (TOTP, django-otp): compulsory for roles that say so, optional for others.

After the password, a user who must use a second factor — or who chose to — is held at the code
step: every other page redirects there until a code from their authenticator app is accepted.
A user who must but has no device yet is sent to enrolment. A lost phone: an administrator
deletes the device (`manage.py reset_two_factor <user>` or the admin), and the user enrols again.
"""
import base64
import io

import qrcode
import qrcode.image.svg
from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from django.shortcuts import redirect, render
from django.urls import resolve, reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, login as otp_login, user_has_device
from django_otp.plugins.otp_totp.models import TOTPDevice

from core.access import requires_two_factor

# Pages a signed-in but not yet verified user may still reach.
OPEN_URL_NAMES = {"login", "logout", "two_factor_verify", "two_factor_setup"}


NO_DEVICE_KEY = "_two_factor_none"  # session flag: signed in without a device, checked once


def needs_second_factor(request) -> bool:
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    if requires_two_factor(user):
        return True
    return not request.session.get(NO_DEVICE_KEY) and user_has_device(user)


@receiver(user_logged_in)
def _remember_users_without_a_device(sender, request, user, **kwargs):
    # Checked once at sign-in, so that pages of users without 2FA don't ask on every request.
    if request is not None and hasattr(request, "session") and not user_has_device(user):
        request.session[NO_DEVICE_KEY] = True


class TwoFactorRequiredMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if needs_second_factor(request) and not self._open(request):
            target = "two_factor_verify" if user_has_device(user) else "two_factor_setup"
            return redirect(f"{reverse(target)}?next={request.get_full_path()}")
        return self.get_response(request)

    @staticmethod
    def _open(request) -> bool:
        from django.conf import settings

        if request.path.startswith("/" + settings.STATIC_URL.lstrip("/")):
            return True
        try:
            match = resolve(request.path_info)
        except Exception:
            return True  # a 404 shows nothing
        return match.url_name in OPEN_URL_NAMES or (match.url_name or "").startswith("password_reset")


class TokenForm(forms.Form):
    token = forms.CharField(
        label="確認コード", max_length=6, min_length=6,
        widget=forms.TextInput(attrs={"autocomplete": "one-time-code", "inputmode": "numeric", "autofocus": True}),
        help_text="認証アプリに表示されている6桁の数字",
        error_messages={"required": "確認コードを入力してください。", "min_length": "確認コードは6桁の数字です。"},
    )

    def clean_token(self):
        token = self.cleaned_data["token"].translate(str.maketrans("０１２３４５６７８９", "0123456789")).strip()
        if not token.isdigit():
            raise forms.ValidationError("確認コードは6桁の数字です。")
        return token


WRONG_CODE = "確認コードが正しくありません。認証アプリの最新のコードを入力してください（続けて間違えると、しばらく入力できなくなります）。"


def _next(request):
    target = request.POST.get("next") or request.GET.get("next") or reverse("home")
    return target if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()) else reverse("home")


@login_required
def verify(request):
    if request.user.is_verified():
        return redirect(_next(request))
    if not user_has_device(request.user):
        return redirect(f"{reverse('two_factor_setup')}?next={_next(request)}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        for device in devices_for_user(request.user, confirmed=True):
            allowed, _ = device.verify_is_allowed()
            if allowed and device.verify_token(form.cleaned_data["token"]):
                otp_login(request, device)
                return redirect(_next(request))
        form.add_error("token", WRONG_CODE)
    return render(request, "registration/two_factor_verify.html", {"form": form, "next": _next(request)})


@login_required
def setup(request):
    """Enrolment: a new key shown as a QR code and as text; confirmed by one correct code."""
    if user_has_device(request.user) and not request.user.is_verified():
        return redirect("two_factor_verify")
    device = TOTPDevice.objects.filter(user=request.user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="認証アプリ", confirmed=False)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            TOTPDevice.objects.filter(user=request.user, confirmed=True).exclude(pk=device.pk).delete()
            otp_login(request, device)
            request.session.pop(NO_DEVICE_KEY, None)
            messages.success(request, "二要素認証を設定しました。次回からログイン時に確認コードを入力します。")
            return redirect(_next(request))
        form.add_error("token", WRONG_CODE)
    return render(request, "registration/two_factor_setup.html", {
        "form": form, "qr": _qr_data_uri(device.config_url), "secret": base64.b32encode(device.bin_key).decode(),
        "required": requires_two_factor(request.user), "next": _next(request),
    })


def _qr_data_uri(text: str) -> str:
    # An <img> of an SVG data URI: no inline SVG or style, so the page keeps its strict CSP.
    buffer = io.BytesIO()
    qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=8).save(buffer)
    return "data:image/svg+xml;base64," + base64.b64encode(buffer.getvalue()).decode()


@login_required
def security(request):
    return render(request, "registration/security.html", {
        "enrolled": user_has_device(request.user), "required": requires_two_factor(request.user),
    })


@require_POST
@login_required
def disable(request):
    """Only users for whom the second factor is optional may switch it off themselves."""
    if requires_two_factor(request.user):
        messages.error(request, "あなたの権限ロールでは二要素認証が必須のため、解除できません。")
    else:
        TOTPDevice.objects.filter(user=request.user).delete()
        request.session[NO_DEVICE_KEY] = True
        messages.success(request, "二要素認証を解除しました。")
    return redirect("security")
