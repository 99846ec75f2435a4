"""One registry of exports: each declares its id, name, the permission it needs and how it renders.

The exports menu is the registry filtered by the user's permissions, and every file is built from
the same gathering functions as the screens, so a file never holds more than the screen shows.
"""
from dataclasses import dataclass
from datetime import date

from django import forms
from django.utils import timezone

from exports.csv import ENCODINGS, render_csv
from exports.data import gather
from exports.forms import CheckboxList
from exports.xlsx import render_progress_workbook
from kpi.confirmation import UNCONFIRMED, confirmed_through, counted_figures, export_provisional, status_label
from kpi.kinds import YES_NO_TEXT
from kpi.models import KpiFigure
from plans.models import ProgressReport
from core.access import may, restriction
from core.numbers import plain_number

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV = "text/csv"


@dataclass(frozen=True)
class ExportFile:
    filename: str
    content_type: str
    content: bytes


class Export:
    id: str
    name: str
    description: str = ""
    permission: str
    background = False  # offered as a background job too (files that take a while)
    shows_figures = False  # holds KPI figures, so it may include 速報値 for those who may see them

    def export_form_fields(self, plan, user) -> dict[str, forms.Field]:
        """The choices this export offers, as form fields (pretix's `export_form_fields`).

        The exports page draws them and the download and the background job read them back
        (exports/forms.py), so neither knows any export by name; `options` turns the cleaned
        values into render's keyword options.
        """
        fields = {}
        # user None is the command line, the instance's operator (as kpi.confirmation.export_provisional).
        if self.shows_figures and (user is None or may(user, UNCONFIRMED)):
            fields["provisional"] = forms.BooleanField(
                label="速報値（未承認）を含める", required=False,
                help_text="提出済・未承認の月の値も、「速報」の印を付けて含めます。既定は確定値（承認済）のみです。",
            )
        return fields

    def options(self, cleaned_data: dict) -> dict:
        # An empty choice leaves render's default.
        return {name: value for name, value in cleaned_data.items() if value not in ("", None)}

    def render(self, plan, *, encoding: str = "utf-8-sig", as_of: date | None = None, **options) -> ExportFile:
        raise NotImplementedError

    def filename(self, plan, suffix: str) -> str:
        return f"{plan.platform.code}_{plan.fiscal_year}_{self.id}.{suffix}"


REGISTRY: dict[str, Export] = {}


def register(cls):
    REGISTRY[cls.id] = cls()
    return cls


def available(user) -> list[Export]:
    return [export for export in REGISTRY.values() if may(user, export.permission)]


@register
class ProgressWorkbook(Export):
    id = "progress_xlsx"
    name = "工程表・進捗状況（Excel）"
    description = "工程表（ＫＰＩごとに１行、月別実績・累計・達成率は数値）、ＫＰＩ一覧（並べ替え・集計用）、構成員ごとのシート。A4横で読める大きさに印刷。"
    permission = "view_figures"
    background = True
    shows_figures = True

    def render(self, plan, *, encoding="utf-8-sig", as_of=None, provisional=False, **options):
        # 速報値 only when asked for and the taker may see them (checked here too, not only by the caller).
        provisional = export_provisional(options.get("user"), provisional)
        data = gather(plan, as_of or timezone.localdate(), provisional=provisional)
        name = plan.platform.name_for_fiscal_year(plan.fiscal_year)
        return ExportFile(self.filename(plan, "xlsx"), XLSX, render_progress_workbook(data, name.name if name else str(plan.platform)))


class CsvExport(Export):
    """A table as CSV for Excel; subclasses give the header and the rows."""

    header: list[str] = []

    def export_form_fields(self, plan, user):
        return {
            "encoding": forms.ChoiceField(label="文字コード", choices=list(ENCODINGS.items()), initial="utf-8-sig", required=False),
            **super().export_form_fields(plan, user),
        }

    def rows(self, plan, *, user=None, provisional=False):
        """`user`: who takes the file (None: the command line); a file never holds more than their screen."""
        raise NotImplementedError

    def render(self, plan, *, encoding="utf-8-sig", as_of=None, user=None, provisional=False, **options):
        content = render_csv(self.header, self.rows(plan, user=user, provisional=provisional), encoding)
        return ExportFile(self.filename(plan, "csv"), f"{CSV}; charset={encoding}", content)


@register
class FiguresCsv(CsvExport):
    id = "figures_csv"
    name = "ＫＰＩ月次実績（CSV）"
    description = "指標・入力機関・月ごとの実績。確定値（承認済の月）のみ、または速報値（提出済・未承認）を含めて。状況の列に「確定」「速報」。Excel で開ける UTF-8（BOM付き）または Shift_JIS。"
    permission = "view_figures"
    shows_figures = True
    header = ["年度", "指標", "入力機関", "対象月", "状況", "実績値", "分子", "分母", "記述", "はい／いいえ", "コメント"]

    def render(self, plan, *, user=None, provisional=False, **options):
        # The rows say 確定／速報 one by one; the file's name says its basis and cut-off, as the
        # title rows of the Excel and the packet do (a CSV has no room for a title).
        provisional = export_provisional(user, provisional)
        exported = super().render(plan, user=user, provisional=provisional, **options)
        cutoff = confirmed_through(plan)
        basis = "with-provisional" if provisional else f"confirmed-to-{cutoff:%Y-%m}" if cutoff else "confirmed-none"
        return ExportFile(exported.filename.replace(".csv", f"_{basis}.csv"), exported.content_type, exported.content)

    def rows(self, plan, *, user=None, provisional=False):
        # Entered, returned and never-submitted months are in no file; 速報値 only for those who may see them.
        figures = (
            counted_figures(KpiFigure.objects.filter(kpi__measure__section__plan=plan), export_provisional(user, provisional))
            .select_related("kpi", "member_body")
            .order_by("kpi__measure__section__order", "kpi__measure__order", "kpi__order", "kpi_id", "member_body__order", "month")
        )
        for f in figures:
            yes_no = YES_NO_TEXT.get(f.yes_no, "")
            yield [plan.fiscal_year, f.kpi.name, f.member_body.name, f"{f.month:%Y-%m}", status_label(f),
                   plain_number(f.value), plain_number(f.numerator), plain_number(f.denominator), f.text_value, yes_no, f.comment]


@register
class ProgressCsv(CsvExport):
    id = "progress_csv"
    name = "進捗報告（CSV）"
    description = "提出された進捗報告（下書きは含みません）。事務局はすべての機関の、構成員は自機関の報告。"
    # The reports' texts and the secretariat's return comments are on screen for the reviewers and
    # for the reporting body only: readers (chair, observers, municipal staff) get no file.
    permission = "report_own_progress"
    header = ["報告期間", "取組", "報告機関", "進捗状況", "確認状況", "実施内容", "成果", "課題", "今後の取組", "確認コメント"]

    def rows(self, plan, *, user=None, provisional=False):
        reports = ProgressReport.objects.filter(period__plan=plan)
        if user is not None:
            condition = restriction(ProgressReport, user, "review_progress", "report_own_progress")
            if condition is not None:
                reports = reports.filter(condition)
        reports = (
            reports
            .exclude(review_status=ProgressReport.Review.DRAFT)
            .select_related("period", "member_body", "measure__section__parent__parent")
            .order_by("period__starts_on", "measure__section__order", "measure__order", "member_body__order")
        )
        for r in reports:
            yield [r.period.name, r.measure.code, r.member_body.name, r.get_progress_display(), r.get_review_status_display(),
                   r.activities, r.results, r.issues, r.next_steps, r.review_comment]


@register
class MeetingPacket(Export):
    id = "meeting_packet"
    name = "協議会資料（PDF）"
    description = "表紙・目次・構成員名簿・役割分担・事業実施計画・類型別の目標・工程表と月別実績・ＫＰＩのグラフ・市町村ＰＦ・政策提案（資料番号付き）。確定値（速報値を含めると印付き）。A4、ページ番号・秘密の保持の表示付き。"
    permission = "manage_meetings"
    background = True
    shows_figures = True

    def export_form_fields(self, plan, user):
        from core.wareki import wareki_date

        meetings = [(str(m.number), f"第{m.number}回（{wareki_date(m.held_on)}）") for m in plan.meetings.order_by("number")]
        return {
            # "section", as the meeting page and links have always sent it.
            "section": forms.MultipleChoiceField(
                label="含める章", choices=self.sections, initial=[id for id, _ in self.sections], required=False, widget=CheckboxList,
            ),
            "meeting": forms.ChoiceField(label="協議会の次第・出席者名簿", choices=[("", "含めない"), *meetings], required=False),
            "variant": forms.ChoiceField(
                label="協議会の資料の版", choices=[("agenda", "次第版（開催前）"), ("minutes", "議事概要版（開催後）")], required=False,
            ),
            **super().export_form_fields(plan, user),
        }

    def options(self, cleaned_data):
        options = super().options(cleaned_data)
        options["sections"] = options.pop("section", [])
        return options

    @property
    def sections(self):
        from exports.packet import SECTIONS

        return [(s.id, s.title) for s in SECTIONS]

    def render(self, plan, *, encoding="utf-8-sig", as_of=None, provisional=False, **options):
        from exports.packet import SECTION_IDS, render_packet
        from kpi.confirmation import export_provisional

        chosen = [s for s in options.get("sections") or SECTION_IDS if s in SECTION_IDS] or SECTION_IDS
        provisional = export_provisional(options.get("user"), provisional)
        meeting, variant = None, "minutes" if options.get("variant") == "minutes" else "agenda"
        if options.get("meeting"):
            meeting = plan.meetings.filter(number=options["meeting"]).first()
            if meeting is None:
                raise ValueError(f"第{options['meeting']}回の協議会がありません。")
        pdf = render_packet(
            plan, as_of=as_of or timezone.localdate(), sections=chosen, meeting=meeting, variant=variant, provisional=bool(provisional)
        )
        name = self.filename(plan, "pdf")
        if meeting is not None:
            name = name.replace(".pdf", f"_{meeting.number}_{variant}.pdf")
        return ExportFile(name, "application/pdf", pdf)
