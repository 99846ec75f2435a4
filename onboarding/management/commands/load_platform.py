from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from onboarding.loader import LoadError, load_directory


class Command(BaseCommand):
    help = "プラットフォームの定義（構成員・役割・事業実施計画・工程表・市町村）を JSON のディレクトリから取り込みます。"

    def add_arguments(self, parser):
        parser.add_argument(
            "directory", nargs="?", default=str(settings.BASE_DIR / "fixtures" / "gunma"),
            help="platform.json・plan_*.json・municipalities.json を置いたディレクトリ（既定: fixtures/gunma）",
        )
        parser.add_argument("--replace-plans", action="store_true", help="同じ年度の計画があれば作り直します（実績も消えます）")

    def handle(self, directory, replace_plans, **options):
        try:
            result = load_directory(Path(directory), replace_plans=replace_plans)
        except LoadError as exc:
            raise CommandError(str(exc)) from exc
        years = "、".join(str(p.fiscal_year) for p in result.plans) or "なし"
        self.stdout.write(
            self.style.SUCCESS(f"{result.platform} を取り込みました（計画の年度: {years}、市町村: {result.municipalities}）。")
        )
        if result.skipped_plans:
            skipped = "、".join(f"{p.fiscal_year}年度" for p in result.skipped_plans)
            self.stdout.write(
                self.style.WARNING(f"{skipped}の計画は既にあるため取り込みませんでした（作り直すには --replace-plans）。")
            )
