"""Upload → dry run (preview of every error) → confirm (atomic import), and the files to fill in."""
import io
from dataclasses import dataclass

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from openpyxl import Workbook
from openpyxl.styles import Font

from exports.csv import render_csv
from imports.kinds import ImportKind
from imports.models import ImportRun
from imports.reading import ReadError, read_sheet
from imports.resources.base import Issue, issues_from_result
from plans.models import BusinessPlan

MAX_UPLOAD_BYTES = 20 * 1024 * 1024


@dataclass
class Evaluation:
    issues: list[Issue]
    counts: dict
    row_count: int
    encoding: str = ""


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
        run.issues = [_as_json(Issue(0, "", "ファイルが大きすぎます（20MB まで）。ファイルを分けて取り込んでください。"))]
        run.file.save(uploaded.name, ContentFile(b""), save=False)
        run.save()
        return run
    run.file.save(uploaded.name, ContentFile(content), save=False)
    _record(run, evaluate(kind, run, plan=plan, user=user, content=content, dry_run=True))
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
    issues += [Issue(n, "", "見出しのない列に値があります。見出しを付けるか、値を削除してください。") for n in sheet.stray_rows]
    if issues:
        return Evaluation(issues, {}, len(sheet.dataset), sheet.encoding)
    resource.row_numbers = sheet.row_numbers
    issues = resource.duplicate_issues(sheet.dataset, sheet.row_numbers)
    result = resource.import_data(
        sheet.dataset, dry_run=dry_run or bool(issues), use_transactions=True, rollback_on_validation_errors=True, raise_errors=False
    )
    issues += issues_from_result(result, resource, sheet.row_numbers)
    issues.sort(key=lambda i: i.row)
    return Evaluation(issues, {k: v for k, v in result.totals.items() if v}, len(sheet.dataset), sheet.encoding)


def _record(run: ImportRun, evaluation: Evaluation):
    run.issues = [_as_json(i) for i in evaluation.issues]
    run.counts = evaluation.counts
    run.row_count = evaluation.row_count
    run.encoding = evaluation.encoding
    run.status = ImportRun.Status.INVALID if evaluation.issues else ImportRun.Status.PREVIEWED


def _as_json(issue: Issue) -> dict:
    return {"row": issue.row, "column": issue.column, "message": issue.message, "text": str(issue)}


# --- files to fill in --------------------------------------------------------------------------

def sheet_rows(kind: ImportKind, *, platform, plan, with_data: bool) -> tuple[list[str], list[list]]:
    resource = make_resource(kind, platform, plan=plan)
    headers = resource.columns()
    if not with_data:
        return headers, []
    dataset = resource.export(queryset=resource.get_queryset())
    return headers, [list(row) for row in dataset]


def render_xlsx(title: str, headers: list[str], rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = title[:31]
    sheet.append(headers)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for row in rows:
        sheet.append(["" if v is None else v for v in row])
    for row in sheet.iter_rows(min_row=2):
        for cell in row:
            # openpyxl would store text beginning with "=" as a formula; imported text stays text.
            if isinstance(cell.value, str) and cell.value.startswith("="):
                cell.data_type = "s"
    for index, name in enumerate(headers, start=1):
        sheet.column_dimensions[sheet.cell(1, index).column_letter].width = max(10, min(40, len(name) * 2 + 4))
    sheet.freeze_panes = "A2"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def render_file(kind: ImportKind, *, platform, plan, with_data: bool, file_format: str) -> tuple[bytes, str, str]:
    headers, rows = sheet_rows(kind, platform=platform, plan=plan, with_data=with_data)
    stem = f"{kind.name}{'' if with_data else '_テンプレート'}" + (f"_{plan.fiscal_year}年度" if plan else "")
    if file_format == "xlsx":
        return render_xlsx(kind.name, headers, rows), f"{stem}.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    encoding = "cp932" if file_format == "cp932" else "utf-8-sig"
    return render_csv(headers, rows, encoding), f"{stem}.csv", "text/csv"
