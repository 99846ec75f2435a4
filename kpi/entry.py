"""The monthly entry grid (実績入力): KPIs × months 4月…3月 for one body, as in their Excel sheet.

Building the grid and saving it are plain functions, so that the view only resolves who and what.
A save is all or nothing: every typed cell is read and checked first, the changed cells are then
written in one transaction, the sub-count rule (内数 ≤ 親) is checked on the written month totals,
and any error rolls everything back. A cell whose stored version moved since the page was loaded
is a conflict: nothing is saved and the user keeps what they typed.
"""
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from kpi.models import FigureSubmission, Kpi, KpiFigure
from kpi.reporting import ReportingState, reporting_matrix
from core import locking
from core.fiscal import fiscal_months


def month_caption(month: date) -> str:
    return f"{month.month}月"


def cell_name(kpi_id: int, month: date) -> str:
    return f"c{kpi_id}_{month:%Y%m}"


@dataclass
class Cell:
    kpi: Kpi
    month: date
    figure: KpiFigure | None
    locked: bool
    typed: dict = field(default_factory=dict)  # what the user typed, re-shown after an error
    errors: list[str] = field(default_factory=list)
    conflict: KpiFigure | None = None
    is_conflict: bool = False

    @property
    def name(self) -> str:
        return cell_name(self.kpi.pk, self.month)

    @property
    def label(self) -> str:
        return f"{self.kpi.name} {month_caption(self.month)}"

    @property
    def version(self) -> str:
        return str(self.figure.version) if self.figure else ""

    @property
    def shown(self) -> dict:
        """What the inputs show: what was typed, else the stored figure."""
        return {**self.kpi.kind.stored_inputs(self.figure), **self.typed}

    @property
    def conflict_inputs(self) -> str:
        """The value another user stored meanwhile, as it was entered ("229／400")."""
        return self.kpi.kind.format_inputs(self.conflict)

    @property
    def printed(self) -> str:
        """The stored figure as every other screen prints it (a rate: "57.3%", half up; はい／いいえ)."""
        return self.kpi.kind.format_figure(self.figure)

    @property
    def comment(self) -> str:
        return self.figure.comment if self.figure else ""


@dataclass
class Row:
    kpi: Kpi
    cells: list[Cell]

    @property
    def total(self) -> str:
        """累計: the sum of counts, or the rate of the sums (never the mean of monthly rates); '' for qualitative."""
        kind = self.kpi.kind
        if not kind.is_numeric:
            return ""
        return kind.format_column(kind.to_date_value(c.figure for c in self.cells if c.figure))


@dataclass
class MonthColumn:
    month: date
    state: str
    submission: FigureSubmission | None
    lock_reason: str
    can_submit: bool

    @property
    def caption(self) -> str:
        return month_caption(self.month)

    @property
    def state_label(self) -> str:
        return ReportingState(self.state).label


@dataclass
class EntryGrid:
    plan: object
    body: object
    columns: list[MonthColumn]
    rows: list[Row]
    editable: bool
    errors: list[str] = field(default_factory=list)
    conflicts: list[Cell] = field(default_factory=list)

    @property
    def locked_months(self) -> set[date]:
        return {c.month for c in self.columns if c.lock_reason}

    def cells(self):
        for row in self.rows:
            yield from row.cells


def build_grid(plan, body, *, as_of: date, editable: bool) -> EntryGrid:
    """The grid as stored, in a constant number of queries."""
    kpis = list(Kpi.objects.reported_by(body, plan))
    figures = {
        (f.kpi_id, f.month): f
        for f in KpiFigure.objects.filter(kpi__in=kpis, member_body=body).select_related("updated_by")
    }
    matrix = reporting_matrix(plan, as_of, bodies=[body])
    columns = []
    for cell in matrix.rows[0].cells:
        reason = cell.submission.lock_reason if cell.submission is not None else ""
        can_submit = editable and not reason and cell.state in (ReportingState.ENTERED, ReportingState.RETURNED, ReportingState.MISSING)
        columns.append(MonthColumn(cell.month, cell.state, cell.submission, reason, can_submit))
    locked = {c.month for c in columns if c.lock_reason}
    rows = [
        Row(kpi, [Cell(kpi, month, figures.get((kpi.pk, month)), month in locked or not editable) for month in fiscal_months(plan.fiscal_year)])
        for kpi in kpis
    ]
    return EntryGrid(plan, body, columns, rows, editable)


def _typed(kpi: Kpi, name: str, data) -> dict:
    parts = kpi.kind.input_parts()
    return {part: data[f"{name}_{part}"] for part in parts if f"{name}_{part}" in data}


def _read(cell: Cell) -> dict:
    """The figure fields a cell's typed inputs mean; errors go on the cell."""
    values, errors = cell.kpi.kind.parse_inputs(cell.typed)
    cell.errors.extend(f"「{cell.label}」：{message}" for message in errors)
    return values


def _is_blank(values: dict) -> bool:
    return all(v in (None, "") for v in values.values())


@dataclass
class SaveResult:
    saved: int
    grid: EntryGrid

    @property
    def ok(self) -> bool:
        return not self.grid.errors and not self.grid.conflicts


def save_grid(plan, body, data, *, user, as_of: date) -> SaveResult:
    """Save what was typed into the grid; all or nothing (see the module docstring)."""
    grid = build_grid(plan, body, as_of=as_of, editable=True)
    changes = []
    for cell in grid.cells():
        cell.typed = _typed(cell.kpi, cell.name, data)
        if not cell.typed:
            continue
        values = _read(cell)
        if cell.errors:
            continue
        stored = {k: getattr(cell.figure, k) for k in values} if cell.figure else {k: None if k != "text_value" else "" for k in values}
        if values == stored or (cell.figure is None and _is_blank(values)):
            continue
        if cell.month in grid.locked_months:
            reason = next(c.lock_reason for c in grid.columns if c.month == cell.month)
            cell.errors.append(reason)
            continue
        changes.append((cell, values, data.get(f"{cell.name}_v", "")))
    grid.errors = [e for cell in grid.cells() for e in cell.errors]
    if grid.errors:
        return SaveResult(0, grid)
    try:
        with transaction.atomic():
            saved = _write(plan, body, changes, grid, user)
    except ValidationError as exc:
        grid.errors = exc.messages
        return SaveResult(0, grid)
    except IntegrityError:
        # Two people entered the same new month at the same moment: the row locks of _write
        # cannot cover a row that does not exist yet, so the unique constraint decides.
        grid.errors = [SIMULTANEOUS]
        return SaveResult(0, grid)
    return SaveResult(saved, grid)


SIMULTANEOUS = "同じ月の実績を他の利用者が同時に保存しました。何も保存していません。表示を更新して最新の値を確認してから、もう一度保存してください。"


def _write(plan, body, changes, grid, user) -> int:
    current = {
        (f.kpi_id, f.month): f
        for f in KpiFigure.objects.select_for_update(of=("self",)).filter(kpi__measure__section__plan=plan, member_body=body).select_related("updated_by")
    }
    # A month may have been submitted or approved since the page was loaded.
    locked_now = {
        s.month: s for s in FigureSubmission.objects.select_for_update().filter(plan=plan, member_body=body) if s.is_locked
    }
    for cell, _, posted_version in changes:
        stored = current.get((cell.kpi.pk, cell.month))
        if locking.is_stale(stored, posted_version):
            cell.conflict, cell.is_conflict = stored, True
            grid.conflicts.append(cell)
        elif cell.month in locked_now:
            cell.errors.append(locked_now[cell.month].lock_reason)
    if grid.conflicts or any(cell.errors for cell, _, _ in changes):
        grid.errors = [e for cell, _, _ in changes for e in cell.errors]
        raise ValidationError(grid.errors or [locking.STALE])
    written = []
    errors = []
    for cell, values, _ in changes:
        figure = current.get((cell.kpi.pk, cell.month)) or KpiFigure(kpi=cell.kpi, member_body=body, month=cell.month)
        for name, value in values.items():
            setattr(figure, name, value)
        try:
            figure.clean_own_values()
        except ValidationError as exc:
            errors.extend(f"「{cell.label}」：{m}" for m in exc.messages)
            continue
        locking.next_version(figure)
        figure.updated_by = user
        figure.save()
        written.append(figure)
    errors.extend(_subcount_errors(written))
    if errors:
        raise ValidationError(errors)
    return len(written)


def _subcount_errors(figures) -> list[str]:
    messages = []
    checked = set()
    for figure in figures:
        key = (figure.kpi.parent_id or figure.kpi_id, figure.month)
        if key in checked:
            continue
        checked.add(key)
        try:
            figure.validate_subcounts()
        except ValidationError as exc:
            messages.extend(exc.messages)
    return messages


COMMENT_STALE = "他の利用者が先にこの値を更新しました。画面を読み込み直してから入力してください。"


def save_comment(figure: KpiFigure, comment: str, posted_version: str, *, user) -> None:
    """A comment on one value, with the same conflict check as the grid."""
    with transaction.atomic():
        current = locking.lock_unchanged(figure, posted_version, message=COMMENT_STALE)
        current.comment = comment.strip()
        locking.next_version(current)
        current.updated_by = user
        current.save()
