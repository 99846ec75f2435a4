from django.core.management.base import BaseCommand

from kpi.tasks import schedule_next


class Command(BaseCommand):
    help = "自動督促の毎日の実行をワーカーのキューに登録します（既に登録済みなら何もしません）。"

    def handle(self, *args, **options):
        if schedule_next():
            self.stdout.write("自動督促の実行を登録しました。ワーカー（manage.py db_worker）が毎朝実行します。")
        else:
            self.stdout.write("自動督促の実行は既に登録されています。")
