from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.oath import TOTP
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "デモ用：利用者の現在の二要素認証の確認コードを表示します（本番環境では使えません）。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        if settings.PRODUCTION:
            raise CommandError("本番環境では確認コードを表示できません。")
        device = TOTPDevice.objects.filter(user__username=username, confirmed=True).first()
        if device is None:
            raise CommandError(f"「{username}」には認証アプリが登録されていません。")
        totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
        self.stdout.write(f"{totp.token():0{device.digits}d}")
