from django.conf import settings
from django.core.management.base import BaseCommand

from imports import services


class Command(BaseCommand):
    help = (
        "確認待ちのまま IMPORT_PREVIEW_HOURS 時間を過ぎた取込を「期限切れ」にし、そのファイルを削除します。"
        "cron などで1時間ごとに実行してください（取込の画面を開いたときにも同じ処理をします）。"
    )

    def handle(self, **options):
        expired = services.expire_stale()
        self.stdout.write(f"期限切れにした取込: {expired}件（{settings.IMPORT_PREVIEW_HOURS}時間を過ぎた確認待ち）")
