from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice


class Command(BaseCommand):
    help = "利用者の二要素認証（認証アプリ）の登録を削除します。スマートフォンを紛失したときなどに使い、利用者は次のログインで登録し直します。"

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, username, **options):
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"利用者「{username}」がありません。")
        deleted, _ = TOTPDevice.objects.filter(user=user).delete()
        self.stdout.write(self.style.SUCCESS(f"{user} の認証アプリの登録を{deleted}件削除しました。次のログインで登録し直します。"))
