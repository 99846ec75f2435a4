from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.http import QueryDict

from core.models import Platform
from exports.forms import ExportForm
from exports.registry import REGISTRY
from exports.services import render_and_log


class Command(BaseCommand):
    help = (
        "出力（協議会資料・Excel・CSV）をその場で作成してファイルに保存します。"
        "例: export progress_xlsx --platform gunma --fiscal-year 2025 --output 進捗.xlsx"
    )

    def add_arguments(self, parser):
        parser.add_argument("export_id", choices=sorted(REGISTRY), help="出力の種類")
        parser.add_argument("--platform", required=True, help="プラットフォームの識別子（例: gunma）")
        parser.add_argument("--fiscal-year", type=int, required=True, help="年度（西暦、例: 2025）")
        parser.add_argument("--output", required=True, help="保存するファイル")
        # Each export's own choices are its export_form_fields, exactly as on the exports page; these
        # flags are short names for the fields the shipped exports declare.
        parser.add_argument(
            "--option", action="append", default=[], metavar="名前=値",
            help="出力ごとの選択肢（資料の出力画面の項目と同じ名前。複数指定可。例: --option section=roadmap）",
        )
        parser.add_argument("--encoding", help="CSV の文字コード（--option encoding=… と同じ）")
        parser.add_argument("--section", action="append", default=[], dest="sections", help="協議会資料に含める章（複数指定可。省略時はすべて）")
        parser.add_argument("--meeting", type=int, help="協議会資料：第N回の次第・出席者名簿を含める")
        parser.add_argument("--variant", help="協議会資料：agenda（次第版・開催前）か minutes（議事概要版・開催後）か")
        parser.add_argument(
            "--provisional", action="store_true",
            help="ＫＰＩの実績を含む出力に、速報値（提出済・未承認）を「速報」の印付きで含める（省略時は確定値のみ）",
        )

    def handle(self, export_id, platform, fiscal_year, output, option, encoding, sections, meeting, variant, provisional, **options):
        found = Platform.objects.filter(code=platform).first()
        if found is None:
            raise CommandError(f"プラットフォーム「{platform}」がありません。")
        plan = found.plans.filter(fiscal_year=fiscal_year).first()
        if plan is None:
            raise CommandError(f"{found} の {fiscal_year} 年度の事業実施計画がありません。")
        if meeting and not plan.meetings.filter(number=meeting).exists():
            raise CommandError(f"{fiscal_year} 年度の第{meeting}回の協議会がありません。")
        export = REGISTRY[export_id]
        # The command line is the instance's operator (user None), as in render_and_log.
        form = ExportForm(export, plan, None, self._choices(option, encoding, sections, meeting, variant, provisional))
        if not form.is_valid():
            raise CommandError("選択肢を確認してください：" + "／".join(
                f"{form.fields[name].label if name in form.fields else name}：{' '.join(errors)}" for name, errors in form.errors.items()
            ))
        unknown = sorted({text.partition("=")[0] for text in option} - form.fields.keys())
        if unknown:
            raise CommandError(f"「{export.name}」にない選択肢です：{'、'.join(unknown)}（選べるもの：{'、'.join(form.fields) or 'なし'}）")
        file = render_and_log(export_id, plan, via="command", **form.options())
        Path(output).write_bytes(file.content)
        self.stdout.write(self.style.SUCCESS(f"{output} に保存しました（{len(file.content):,} バイト）。"))

    @staticmethod
    def _choices(option, encoding, sections, meeting, variant, provisional) -> QueryDict:
        data = QueryDict(mutable=True)
        for text in option:
            name, sep, value = text.partition("=")
            if not sep or not name:
                raise CommandError(f"--option は「名前=値」の形で指定してください（{text}）。")
            data.appendlist(name.strip(), value.strip())
        for name, value in (("encoding", encoding), ("meeting", meeting), ("variant", variant)):
            if value:
                data[name] = str(value)
        for section in sections:
            data.appendlist("section", section)
        if provisional:
            data["provisional"] = "on"
        return data
