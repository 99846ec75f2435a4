"""The invitation e-mail that brings a new user into the portal: a new platform's first user and
every user a secretariat imports.

The link is Django's password-reset link (the token is signed with SECRET_KEY, dies when the
password is set, and expires after PASSWORD_RESET_TIMEOUT), so the set-password page is the
same one 「パスワードを忘れた場合」 leads to and an expired invitation is renewed from there.
"""
import logging
from datetime import timedelta

from django.conf import settings
from django.contrib.auth.tokens import default_token_generator
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from core.fiscal import fiscal_year_of
from core.tenancy import platform_of
from core.wareki import wareki_date

logger = logging.getLogger(__name__)


def send_invitation(user, invited_by, *, base_url: str | None = None) -> bool:
    """E-mail `user` an invitation to set their password; False when they were not reached.

    `base_url` is the scheme and host the link starts with (https://portal.example.lg.jp); without
    it, settings.PORTAL_URL (an import has no page to take it from).

    Called once the data is saved for good (in `transaction.on_commit`), one user at a time: a
    mail server that refuses one address must neither turn the saved import or opening into an
    error page nor keep the next users from their mail, so a failure is logged and answered False.
    The user can still set a password through 「パスワードを忘れた場合・初めてログインする場合」.
    """
    if not user.email:
        return False
    try:
        _send(user, invited_by, base_url)
    except Exception:
        logger.exception("Invitation e-mail not sent to user %s (id %s)", user.username, user.pk)
        return False
    return True


def _send(user, invited_by, base_url):
    now = timezone.localtime()
    platform = platform_of(user)
    name = platform.name_for_fiscal_year(fiscal_year_of(now.date())) or platform.name_for_fiscal_year(None)
    link = (base_url or settings.PORTAL_URL).rstrip("/") + reverse(
        "password_reset_confirm",
        kwargs={"uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)},
    )
    context = {
        "user": user,
        "invited_by": invited_by,
        "platform_name": name.name if name else str(platform),
        "link": link,
        "expires": _expiry(now),
        "login_url": (base_url or settings.PORTAL_URL).rstrip("/") + reverse("login"),
    }
    subject = render_to_string("registration/invitation_subject.txt", context).strip()
    send_mail(subject, render_to_string("registration/invitation_email.txt", context), None, [user.email])


def _expiry(now) -> str:
    """When the link stops working, as a reader checks it: 「令和8年12月5日 17:30まで（3日間）」."""
    seconds = settings.PASSWORD_RESET_TIMEOUT
    until = now + timedelta(seconds=seconds)
    span = f"{seconds // 86400}日間" if seconds % 86400 == 0 else f"{seconds // 3600}時間"
    return f"{wareki_date(until.date(), with_western=True)} {until:%H:%M}まで（{span}）"
