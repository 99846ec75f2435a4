"""The monthly entry grid (実績入力): KPIs × months 4月…3月 for one body, as in their Excel sheet.

Building the grid and saving it are plain functions, so that the view only resolves who and what.
A save is one pass and all or nothing: every typed cell is read and checked (format, sign,
decimals, numerator ≤ denominator where the KPI says so, 内数 ≤ 親 on the month totals with the
typed values in place) before anything is written, so that every error is shown at once beside its
cell. Warnings (kpi/plausibility.py) hold the save until each warned cell has an explanation, and
clearing a saved value holds it until the user confirms the deletion. Only then are the changed
cells written in one transaction; the sub-count rule is checked once more under the row locks, and
any error rolls everything back. A cell whose stored version moved since the page was loaded is a
conflict: nothing is saved and the user keeps what they typed.
"""
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, Sum

from core import locking
from core.audit import FieldChange, HistoryEntry, history_entries
from core.fiscal import fiscal_months
from core.numbers import format_number
from kpi import workflow
from kpi.models import FigureSubmission, Kpi, KpiFigure
from kpi.plausibility import Benchmark, Benchmarks, full_name
from kpi.reporting import ReportingState, reporting_matrix
from kpi.rules import SubcountCheck, subcount_violations

# The figure field an input part fills, to put a field's error on the input that caused it.
PART_OF_FIELD = {"value": "value", "numerator": "num", "denominator": "den", "text_value": "text", "yes_no": "yn"}
VALUE_FIELDS = ("value", "numerator", "denominator")


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
    error_part: str = ""  # the input the first error is about, for the summary's link
    conflict: KpiFigure | None = None
    is_conflict: bool = False
    benchmark: Benchmark = field(default_factory=Benchmark)
    warnings: list[str] = field(default_factory=list)  # unexplained warnings of a typed value
    note: str = ""  # the explanation typed for them
    clearing: bool = False  # a saved value was blanked and awaits confirmation

    @property
    def name(self) -> str:
        return cell_name(self.kpi.pk, self.month)

    @property
    def label(self) -> str:
        """The inputs' label; the row header beside it gives the measure code."""
        return f"{self.kpi.name} {month_caption(self.month)}"

    @property
    def title(self) -> str:
        """The cell named in messages, which stand apart from the grid: with the full code (2(1)ア①)."""
        return f"{full_name(self.kpi)} {month_caption(self.month)}"

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

    @property
    def saved(self) -> dict:
        """What the inputs showed when the page was loaded (the script asks before clearing one)."""
        return self.kpi.kind.stored_inputs(self.figure)

    @property
    def own_errors(self) -> list[str]:
        """The errors beside the cell, without the cell's name the summary needs."""
        prefix = f"「{self.title}」："
        return [e.removeprefix(prefix) for e in self.errors]

    @property
    def stored_warnings(self) -> str:
        return self.figure.warnings if self.figure else ""

    @property
    def input_id(self) -> str:
        """The input the summary links to: the one in error, else the cell's first."""
        return f"{self.name}_{self.error_part or self.kpi.kind.input_parts()[0]}"

    @property
    def error_id(self) -> str:
        return f"{self.name}_err"

    @property
    def warning_id(self) -> str:
        return f"{self.name}_warn"

    @property
    def context_id(self) -> str:
        return f"{self.name}_ctx"

    @property
    def note_id(self) -> str:
        return f"{self.name}_note"

    @property
    def has_context(self) -> bool:
        return self.benchmark.previous_month is not None or self.benchmark.last_year is not None

    @property
    def previous_month_text(self) -> str:
        return self.kpi.kind.format_column(self.benchmark.previous_month) if self.benchmark.previous_month is not None else ""

    @property
    def last_year_text(self) -> str:
        return self.kpi.kind.format_column(self.benchmark.last_year) if self.benchmark.last_year is not None else ""

    @property
    def described_by(self) -> str:
        """The ids an input's aria-describedby names: its error, its warning, what it is compared with."""
        ids = []
        if self.errors:
            ids.append(self.error_id)
        if self.warnings:
            ids.append(self.warning_id)
        if self.has_context and not self.locked:
            ids.append(self.context_id)
        return " ".join(ids)


@dataclass
class Row:
    kpi: Kpi
    cells: list[Cell]

    @property
    def code(self) -> str:
        return self.kpi.measure.code

    @property
    def target_share(self) -> str:
        """The month's share of a yearly target (月割), where a month has one; '' otherwise."""
        kind = self.kpi.kind
        if not kind.adds_up or kind.target_period != "year":
            return ""
        share = kind.monthly_target(self.kpi)
        return kind.format_value(share) if share is not None else ""

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
    due: object = None  # kpi.deadlines.Due: the month's due date and whether it is late

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
    benchmarks: Benchmarks | None = None

    @property
    def locked_months(self) -> set[date]:
        return {c.month for c in self.columns if c.lock_reason}

    def cells(self):
        for row in self.rows:
            yield from row.cells

    @property
    def error_cells(self) -> list[Cell]:
        return [c for c in self.cells() if c.errors]

    @property
    def warned_cells(self) -> list[Cell]:
        return [c for c in self.cells() if c.warnings]

    @property
    def clearing_cells(self) -> list[Cell]:
        return [c for c in self.cells() if c.clearing]

    @property
    def general_errors(self) -> list[str]:
        """Errors that belong to no single cell (a simultaneous first save)."""
        own = {e for c in self.cells() for e in c.errors}
        return [e for e in self.errors if e not in own]

    @property
    def held(self) -> bool:
        """Nothing was saved because of warnings without an explanation or an unconfirmed deletion."""
        return not self.errors and not self.conflicts and bool(self.warned_cells or self.clearing_cells)


def build_grid(plan, body, *, as_of: date, editable: bool) -> EntryGrid:
    """The grid as stored, in a constant number of queries."""
    kpis = list(Kpi.objects.reported_by(body, plan).select_related("measure__section__parent__parent"))
    figures = {
        (f.kpi_id, f.month): f
        for f in KpiFigure.objects.filter(kpi__in=kpis, member_body=body).select_related("updated_by")
    }
    matrix = reporting_matrix(plan, as_of, bodies=[body], with_due=True)
    columns = []
    for cell in matrix.rows[0].cells:
        reason = cell.submission.lock_reason if cell.submission is not None else ""
        can_submit = editable and not reason and cell.state in (ReportingState.ENTERED, ReportingState.RETURNED, ReportingState.MISSING)
        columns.append(MonthColumn(cell.month, cell.state, cell.submission, reason, can_submit, cell.due))
    locked = {c.month for c in columns if c.lock_reason}
    rows = [
        Row(kpi, [Cell(kpi, month, figures.get((kpi.pk, month)), month in locked or not editable) for month in fiscal_months(plan.fiscal_year)])
        for kpi in kpis
    ]
    by_id = {kpi.pk: kpi for kpi in kpis}
    current = {(kpi_id, body.pk, month): by_id[kpi_id].kind.month_value([f]) for (kpi_id, month), f in figures.items()}
    grid = EntryGrid(plan, body, columns, rows, editable, benchmarks=Benchmarks(plan, kpis, [body.pk], current))
    _set_benchmarks(grid)
    return grid


def _set_benchmarks(grid: EntryGrid) -> None:
    for cell in grid.cells():
        cell.benchmark = grid.benchmarks.for_cell(cell.kpi, grid.body.pk, cell.month)


def _typed(kpi: Kpi, name: str, data) -> dict:
    parts = kpi.kind.input_parts()
    return {part: data[f"{name}_{part}"] for part in parts if f"{name}_{part}" in data}


def _is_blank(values: dict) -> bool:
    return all(v in (None, "") for v in values.values())


@dataclass
class Change:
    cell: Cell
    figure: KpiFigure | None  # the figure as it will be written; None when the saved one is deleted
    posted_version: str


@dataclass
class SaveResult:
    saved: int
    grid: EntryGrid
    deleted: int = 0

    @property
    def ok(self) -> bool:
        return not self.grid.errors and not self.grid.conflicts and not self.grid.held


def save_grid(plan, body, data, *, user, as_of: date) -> SaveResult:
    """Save what was typed into the grid; all or nothing, every problem reported at once (see the module docstring)."""
    grid = build_grid(plan, body, as_of=as_of, editable=True)
    changes = [change for cell in grid.cells() if (change := _check_cell(grid, cell, data))]
    _check_subcounts(grid, body, changes)
    # Benchmarks with the typed values in place: a warning judges March against the February just typed.
    for change in changes:
        key = (change.cell.kpi.pk, body.pk, change.cell.month)
        grid.benchmarks.current[key] = change.cell.kpi.kind.month_value([change.figure]) if change.figure else None
    _set_benchmarks(grid)
    for change in changes:
        _check_warnings(grid, change)
        if change.figure is None and data.get("confirm_clear") != "1":
            change.cell.clearing = True
    grid.errors = [e for cell in grid.cells() for e in cell.errors]
    if grid.errors or grid.held:
        return SaveResult(0, grid)
    try:
        with transaction.atomic():
            saved, deleted = _write(plan, body, changes, grid, user)
    except ValidationError as exc:
        grid.errors = exc.messages
        return SaveResult(0, grid)
    except IntegrityError:
        # Two people entered the same new month at the same moment: the row locks of _write
        # cannot cover a row that does not exist yet, so the unique constraint decides.
        grid.errors = [SIMULTANEOUS]
        return SaveResult(0, grid)
    return SaveResult(saved, grid, deleted)


def saved_message(result: SaveResult) -> str:
    parts = [f"{result.saved}件の実績を保存しました" if result.saved else "", f"{result.deleted}件の値を削除しました" if result.deleted else ""]
    text = "。".join(p for p in parts if p)
    return text + "。" if text else "変更はありませんでした。"


SIMULTANEOUS = "同じ月の実績を他の利用者が同時に保存しました。何も保存していません。表示を更新して最新の値を確認してから、もう一度保存してください。"


def _add_error(cell: Cell, message: str, part: str = "") -> None:
    cell.errors.append(f"「{cell.title}」：{message}")
    if part and not cell.error_part:
        cell.error_part = part


def _check_cell(grid: EntryGrid, cell: Cell, data) -> Change | None:
    """Read and check one cell on its own; its change, or None when it is unchanged or in error."""
    kind = cell.kpi.kind
    cell.typed = _typed(cell.kpi, cell.name, data)
    cell.note = data.get(f"{cell.name}_note", "").strip()
    if not cell.typed:
        return None
    values = {}
    for part, text in cell.typed.items():
        # Each input on its own, so that a numerator and a denominator both in error are both reported.
        part_values, messages = kind.parse_inputs({part: text})
        values.update(part_values)
        for message in messages:
            _add_error(cell, message, part)
    if cell.errors:
        return None
    stored = {k: getattr(cell.figure, k) for k in values} if cell.figure else {k: None if k != "text_value" else "" for k in values}
    if values == stored or (cell.figure is None and _is_blank(values)):
        return None
    if cell.month in grid.locked_months:
        _add_error(cell, next(c.lock_reason for c in grid.columns if c.month == cell.month))
        return None
    version = data.get(f"{cell.name}_v", "")
    figure = KpiFigure(kpi=cell.kpi, member_body=grid.body, month=cell.month)
    for name in (*VALUE_FIELDS, "text_value", "yes_no"):
        setattr(figure, name, values[name] if name in values else getattr(cell.figure, name, getattr(figure, name)))
    if _is_blank({name: getattr(figure, name) for name in kind.figure_fields}):
        return Change(cell, None, version)  # a saved value cleared: a deletion, once confirmed
    for name, message in kind.clean_figure(figure, cell.kpi).items():
        _add_error(cell, message, PART_OF_FIELD.get(name, ""))
    for name in VALUE_FIELDS:
        value = getattr(figure, name)
        if value is None:
            continue
        try:
            KpiFigure._meta.get_field(name).run_validators(value)
        except ValidationError as exc:
            for message in exc.messages:
                _add_error(cell, message, PART_OF_FIELD[name])
    kpi = cell.kpi
    if (
        kpi.numerator_within_denominator and figure.numerator is not None and figure.denominator is not None
        and figure.numerator > figure.denominator
    ):
        numerator, denominator = kpi.numerator_label or "分子", kpi.denominator_label or "分母"
        _add_error(
            cell,
            f"{numerator}（{format_number(figure.numerator)}）が{denominator}（{format_number(figure.denominator)}）を超えています。"
            f"この指標では{numerator}は{denominator}以下にしてください。",
            "num",
        )
    return None if cell.errors else Change(cell, figure, version)


def _check_subcounts(grid: EntryGrid, body, changes: list[Change]) -> None:
    """内数 ≤ 親 on every month a change touches, with the typed values in place of the stored ones
    (other bodies' figures as stored: one query)."""
    changed = {(c.cell.kpi.pk, c.cell.month): c for c in changes}
    if not changed:
        return
    kpis = {row.kpi.pk: row.kpi for row in grid.rows}
    children = list(Kpi.objects.filter(parent_id__in=kpis).only("pk", "name", "parent_id"))
    pairs = {(k.pk, k.parent_id) for k in kpis.values() if k.parent_id} | {(k.pk, k.parent_id) for k in children}
    if not pairs:
        return
    names = {k.pk: k.name for k in children} | {k.pk: k.name for k in kpis.values()}
    for kpi in kpis.values():
        if kpi.parent_id:
            names[kpi.parent_id] = kpi.parent.name
    involved = {kpi_id for pair in pairs for kpi_id in pair}
    others = {
        (row["kpi_id"], row["month"]): (row["total"], row["n"])
        for row in KpiFigure.objects.filter(kpi_id__in=involved, month__in={m for _, m in changed}, value__isnull=False)
        .exclude(member_body=body)
        .values("kpi_id", "month")
        .annotate(total=Sum("value"), n=Count("pk"))
    }
    own = {(cell.kpi.pk, cell.month): cell.figure.value for cell in grid.cells() if cell.figure is not None}
    own.update({key: (c.figure.value if c.figure else None) for key, c in changed.items()})
    cells = {(cell.kpi.pk, cell.month): cell for cell in grid.cells()}

    def total(kpi_id, month):
        other, count = others.get((kpi_id, month), (None, 0))
        mine = own.get((kpi_id, month))
        if other is None and mine is None:
            return None, False
        return (other or 0) + (mine or 0), bool(count)

    for child_id, parent_id in sorted(pairs):
        for month in sorted({m for _, m in changed}):
            if (child_id, month) not in changed and (parent_id, month) not in changed:
                continue
            child_total, child_others = total(child_id, month)
            parent_total, parent_others = total(parent_id, month)
            check = SubcountCheck(names[child_id], child_total, names[parent_id], parent_total, month, not (child_others or parent_others))
            for message in subcount_violations([check]):
                # Beside the cell that was changed: the sub-count's when both were.
                cell = cells.get((child_id, month)) if (child_id, month) in changed else cells.get((parent_id, month))
                cell.errors.append(message)
                cell.error_part = cell.error_part or cell.kpi.kind.input_parts()[0]


def _check_warnings(grid: EntryGrid, change: Change) -> None:
    cell, figure = change.cell, change.figure
    if figure is None or cell.errors:
        return
    warnings = grid.benchmarks.warnings(cell.kpi, grid.body.pk, cell.month, cell.kpi.kind.month_value([figure]))
    figure.warnings = "\n".join(warnings)
    figure.warning_comment = cell.note if warnings else ""
    if warnings and not cell.note:
        cell.warnings = warnings


def _write(plan, body, changes: list[Change], grid, user) -> tuple[int, int]:
    # A month may have been submitted or approved since the page was loaded, or may be submitted
    # while this save runs. The months written into get their submission row (入力中 when none
    # exists yet: a month is only given one when it is first submitted) and it is locked, so that
    # a submission of the same month waits for this save or this save for it; their state is read
    # under the lock. Submissions are locked before figures, each in pk order, as the figures
    # import and submit／approve lock them: the same order everywhere, so nothing can deadlock.
    months = {change.cell.month for change in changes}
    locked_now = {
        month: s
        for (_, month), s in workflow.lock_submissions(plan, {(body.pk, m) for m in months}, user=user, reason="実績入力").items()
        if s.is_locked
    }
    current = {
        (f.kpi_id, f.month): f
        for f in KpiFigure.objects.select_for_update(of=("self",))
        .filter(kpi__measure__section__plan=plan, member_body=body)
        .select_related("updated_by")
        .order_by("pk")
    }
    for change in changes:
        cell = change.cell
        stored = current.get((cell.kpi.pk, cell.month))
        if locking.is_stale(stored, change.posted_version):
            cell.conflict, cell.is_conflict = stored, True
            grid.conflicts.append(cell)
        elif cell.month in locked_now:
            _add_error(cell, locked_now[cell.month].lock_reason)
    if grid.conflicts or any(change.cell.errors for change in changes):
        grid.errors = [e for change in changes for e in change.cell.errors]
        raise ValidationError(grid.errors or [locking.STALE])
    written, deleted = [], 0
    for change in changes:
        stored = current.get((change.cell.kpi.pk, change.cell.month))
        if change.figure is None:
            if stored is not None:
                stored._change_reason = "削除"
                stored.delete()  # the audit history records the deletion with who made it
                deleted += 1
            continue
        figure = stored or change.figure
        for name in ("value", "numerator", "denominator", "text_value", "yes_no", "warnings", "warning_comment"):
            setattr(figure, name, getattr(change.figure, name))
        locking.next_version(figure)
        figure.updated_by = user
        figure.save()
        written.append(figure)
    errors = _subcount_errors(written)
    if errors:
        raise ValidationError(errors)
    return len(written), deleted


def _subcount_errors(figures) -> list[str]:
    """The sub-count rule once more under the row locks: another body may have saved meanwhile."""
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


# The history page's fields of a figure, printed as the KPI's kind prints them (no 「1800.00」).
HISTORY_FIELDS = ("value", "numerator", "denominator", "text_value", "yes_no", "comment", "warnings", "warning_comment")
EMPTY = "（空欄）"


def figure_history_entries(kpi: Kpi, body, month: date) -> list[HistoryEntry]:
    """Every change of one body's figure for one KPI and month, newest first, deletions included
    (a cleared value deletes the figure; entering it again starts a new one with the same history)."""
    records = KpiFigure.history.filter(kpi_id=kpi.pk, member_body_id=body.pk, month=month).select_related("history_user")
    verbose = {str(KpiFigure._meta.get_field(name).verbose_name): name for name in HISTORY_FIELDS}
    records = list(records)
    entries = []
    for entry, record in zip(history_entries(records), records):
        changes = [
            FieldChange(c.field, _history_value(kpi, verbose.get(c.field), c.old), _history_value(kpi, verbose.get(c.field), c.new))
            for c in entry.changes
        ]
        if not changes and record.history_type in "+-":
            # What was entered, or what the deletion removed.
            shown = [(name, getattr(record, name)) for name in HISTORY_FIELDS if getattr(record, name) not in (None, "")]
            label = {n: str(KpiFigure._meta.get_field(n).verbose_name) for n, _ in shown}
            if record.history_type == "+":
                changes = [FieldChange(label[n], EMPTY, _history_value(kpi, n, v)) for n, v in shown]
            else:
                changes = [FieldChange(label[n], _history_value(kpi, n, v), "（削除）") for n, v in shown]
        entries.append(HistoryEntry(entry.when, entry.who, entry.kind, entry.reason, changes))
    return entries


def _history_value(kpi: Kpi, name: str | None, value):
    if value in (None, "", EMPTY):
        return EMPTY
    if name == "value":
        return kpi.kind.format_value(Decimal(value))
    if name in ("numerator", "denominator"):
        return format_number(Decimal(value))
    if name == "yes_no" and isinstance(value, bool):
        return "はい" if value else "いいえ"
    return value


COMMENT_STALE = "他の利用者が先にこの値を更新しました。画面を読み込み直してから入力してください。"


def save_comment(figure: KpiFigure, comment: str, posted_version: str, *, user) -> None:
    """A comment on one value, with the same conflict check as the grid."""
    with transaction.atomic():
        current = locking.lock_unchanged(figure, posted_version, message=COMMENT_STALE)
        current.comment = comment.strip()
        locking.next_version(current)
        current.updated_by = user
        current.save()
