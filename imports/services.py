"""Upload → dry run (preview of every error) → confirm (atomic import), and the files to fill in."""
import io
from dataclasses import dataclass, field
from datetime import timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.comments import Comment
from openpyxl.styles import Font
from openpyxl.worksheet.datavalidation import DataValidation

from core.spreadsheet import write_cell
from exports.csv import render_csv
from imports.kinds import ImportKind
from imports.models import ImportRun
from imports.reading import FORMULA_WITHOUT_VALUE, ReadError, read_sheet
from imports.resources.base import Issue, issues_from_result
from imports.widgets import ChoiceWidget
from plans.models import BusinessPlan

MAX_UPLOAD_BYTES = settings.UPLOAD_MAX_BYTES  # one limit with the request cap (core/uploads.py)
# A broken file can have an error in every cell; the first ones tell the user what to fix, and
# storing or rendering all of them would cost megabytes. The count is kept and shown.
MAX_STORED_ISSUES = 200


@dataclass
class Evaluation:
    issues: list[Issue]
    counts: dict
    row_count: int
    encoding: str = ""
    notices: list[str] = field(default_factory=list)


class _Rollback(Exception):
    pass


def plan_for(kind: ImportKind, platform, fiscal_year, *, create=False):
    """The plan a per-year import goes into; a roadmap import may start a new year's plan."""
    if not kind.per_plan:
        return None
    plan = platform.plans.filter(fiscal_year=fiscal_year).first() if fiscal_year else None
    if plan is None and create and kind.id == "roadmap" and fiscal_year:
        # Unsaved: the import saves it, and a dry run or a failing file rolls it back.
        return BusinessPlan(platform=platform, fiscal_year=fiscal_year, title=f"{fiscal_year}年度 事業実施計画")
    return plan


def make_resource(kind: ImportKind, run_or_platform, *, plan=None, user=None, reason=""):
    return kind.resource(platform=run_or_platform, plan=plan, user=user, reason=reason)


def upload(kind: ImportKind, *, platform, plan, user, uploaded) -> ImportRun:
    """Keep the file in storage and preview it: nothing is written to the portal's data."""
    content = uploaded.read(MAX_UPLOAD_BYTES + 1)
    run = ImportRun(platform=platform, user=user, kind=kind.id, fiscal_year=plan.fiscal_year if plan else None, original_name=uploaded.name[:255])
    if len(content) > MAX_UPLOAD_BYTES:
        run.status = ImportRun.Status.INVALID
        run.issues = [_as_json(Issue(0, "", f"ファイルが大きすぎます（{settings.UPLOAD_MAX_MB}MB まで）。ファイルを分けて取り込んでください。"))]
        run.file.save(uploaded.name, ContentFile(b""), save=False)
        run.save()
        return run
    run.file.save(uploaded.name, ContentFile(content), save=False)
    try:
        evaluation = evaluate(kind, run, plan=plan, user=user, content=content, dry_run=True)
    except BaseException:
        run.file.delete(save=False)  # no stored file without its import record
        raise
    _record(run, evaluation)
    run.save()
    return run


def confirm(kind: ImportKind, run: ImportRun, *, plan, user) -> ImportRun:
    """Import the previewed file: every row, or none if any row fails now."""
    with run.file.open("rb") as f:
        content = f.read()
    try:
        with transaction.atomic():
            evaluation = evaluate(kind, run, plan=plan, user=user, content=content, dry_run=False)
            if evaluation.issues:
                raise _Rollback
    except _Rollback:
        pass
    _record(run, evaluation)
    if not evaluation.issues:
        run.status, run.imported_at = ImportRun.Status.IMPORTED, timezone.now()
    run.save()
    return run


def expire_stale(platform=None, *, now=None) -> int:
    """Previews left 確認待ち longer than IMPORT_PREVIEW_HOURS expire and their files are removed.

    Runs when the import page is opened and from `manage.py expire_imports`; returns how many expired.
    """
    cutoff = (now or timezone.now()) - timedelta(hours=settings.IMPORT_PREVIEW_HOURS)
    stale = ImportRun.objects.filter(status__in=(ImportRun.Status.PREVIEWED, ImportRun.Status.INVALID), created_at__lt=cutoff)
    if platform is not None:
        stale = stale.filter(platform=platform)
    expired = 0
    for run in stale.only("pk", "file"):
        with transaction.atomic():
            # Locked and re-checked: a confirm that started meanwhile keeps its file.
            run = ImportRun.objects.select_for_update().filter(pk=run.pk, status__in=(ImportRun.Status.PREVIEWED, ImportRun.Status.INVALID)).first()
            if run is None:
                continue
            run.file.delete(save=False)
            run.status = ImportRun.Status.EXPIRED
            run.save(update_fields=["status", "file"])
            expired += 1
    return expired


def discard(run: ImportRun) -> bool:
    """Drop an upload that was not imported, and its file; False when there is nothing to discard."""
    if not run.can_discard:
        return False
    run.status = ImportRun.Status.DISCARDED
    run.file.delete(save=False)
    run.save(update_fields=["status", "file"])
    return True


def evaluate(kind, run, *, plan, user, content: bytes, dry_run: bool) -> Evaluation:
    try:
        sheet = read_sheet(content, run.original_name)
    except ReadError as exc:
        return Evaluation([Issue(0, "", str(exc))], {}, 0)
    resource = make_resource(kind, run.platform, plan=plan, user=user, reason=f"取込（{kind.name}）: {run.original_name}")
    sheet.dataset.headers = resource.canonical_headers(sheet.dataset.headers)
    issues = resource.header_issues(sheet.dataset.headers)
    issues += [Issue(n, f"{letter}列（見出しなし）", "見出しのない列に値があります。見出しを付けるか、値を削除してください。") for n, letter in sheet.stray_cells]
    issues += [Issue(n, resource.canonical_headers([column])[0], FORMULA_WITHOUT_VALUE) for n, column in sheet.formulas.without_value]
    notices = _formula_notices(resource, sheet.formulas.used_results)
    if issues:
        return Evaluation(issues, {}, len(sheet.dataset), sheet.encoding, notices)
    resource.row_numbers = sheet.row_numbers
    issues = resource.duplicate_issues(sheet.dataset, sheet.row_numbers)
    result = resource.import_data(
        sheet.dataset, dry_run=dry_run or bool(issues), use_transactions=True, rollback_on_validation_errors=True, raise_errors=False
    )
    issues += issues_from_result(result, resource, sheet.row_numbers)
    issues.sort(key=lambda i: i.row)
    return Evaluation(issues, {k: v for k, v in result.totals.items() if v}, len(sheet.dataset), sheet.encoding, notices)


def _formula_notices(resource, cells) -> list[str]:
    if not cells:
        return []
    where = "、".join(f"{row}行目の列「{column}」" for row, column in cells[:10]) + (f" ほか{len(cells) - 10}件" if len(cells) > 10 else "")
    return [f"数式のセルは、Excel が保存した計算結果の値を取り込みます：{where}。"]


def _record(run: ImportRun, evaluation: Evaluation):
    run.issues = [_as_json(i) for i in evaluation.issues[:MAX_STORED_ISSUES]]
    run.issue_count = len(evaluation.issues)
    run.notices = evaluation.notices
    run.counts = evaluation.counts
    run.row_count = evaluation.row_count
    run.encoding = evaluation.encoding
    run.status = ImportRun.Status.INVALID if evaluation.issues else ImportRun.Status.PREVIEWED


def _as_json(issue: Issue) -> dict:
    return {"row": issue.row, "column": issue.column, "message": issue.message, "text": str(issue)}


# --- files to fill in --------------------------------------------------------------------------

def sheet_rows(resource, *, with_data: bool) -> tuple[list[str], list[list]]:
    headers = resource.columns()
    if not with_data:
        return headers, []
    dataset = resource.export(queryset=resource.get_queryset())
    return headers, [list(row) for row in dataset]


def choice_columns(resource) -> dict[str, list[str]]:
    """Columns that take one of a closed list (機能, 担当区分 …): heading → the labels allowed."""
    return {
        field.column_name: [label for _, label in field.widget.choices]
        for field in resource.get_import_fields()
        if isinstance(field.widget, ChoiceWidget)
    }


def render_xlsx(title: str, headers: list[str], rows: list[list], choices: dict[str, list[str]] | None = None) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for number, row in enumerate(rows, start=2):
        for column, value in enumerate(row, start=1):
            write_cell(sheet.cell(number, column), "" if value is None else value)
    for index, name in enumerate(headers, start=1):
        if name in (choices or {}):
            _closed_list(sheet, index, choices[name], last_row=max(len(rows) + 1, 1000))
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(10, min(40, len(name) * 2 + 4))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _closed_list(sheet, column: int, labels: list[str], *, last_row: int):
    """A drop-down of the allowed labels under the heading, and a note on the heading naming them."""
    letter = sheet.cell(1, column).column_letter
    allowed = ",".join(labels)
    validation = DataValidation(
        type="list", formula1=f'"{allowed}"', allow_blank=True, showErrorMessage=True,
        errorTitle="選べない値です", error=f"次のいずれかを選んでください：{'、'.join(labels)}",
    )
    validation.add(f"{letter}2:{letter}{last_row}")
    sheet.add_data_validation(validation)
    sheet.cell(1, column).comment = Comment(f"次のいずれかを入力してください（一覧から選べます）：\n{'／'.join(labels)}", "ポータル")


def render_file(kind: ImportKind, *, platform, plan, with_data: bool, file_format: str) -> tuple[bytes, str, str]:
    resource = make_resource(kind, platform, plan=plan)
    headers, rows = sheet_rows(resource, with_data=with_data)
    stem = f"{kind.name}{'' if with_data else '_テンプレート'}" + (f"_{plan.fiscal_year}年度" if plan else "")
    if file_format == "xlsx":
        return render_xlsx(kind.name, headers, rows, choice_columns(resource)), f"{stem}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    encoding = "cp932" if file_format == "cp932" else "utf-8-sig"
    return render_csv(headers, rows, encoding), f"{stem}.csv", "text/csv"
