"""The roadmap (工程表) of one fiscal year's plan: sections, measures, responsible parties, KPIs.

One row per KPI, or per measure that has none; a measure's columns repeat on each of its KPI
rows. Sections are named by up to three levels of number and title (1 / (1) / ア). Rows are
matched to what exists by section numbers, measure number and KPI name, so re-importing an
exported roadmap changes nothing, and a corrected file updates in place.
"""
from django.core.exceptions import ValidationError
from import_export.fields import Field
from import_export.results import RowResult

from imports.resources.base import PortalResource
from imports.widgets import ChoiceWidget, LookupWidget, NamesWidget, NumberWidget, TextWidget
from kpi.choices import Comparison, MeasureType, TargetPeriod
from kpi.kinds import kind_class
from kpi.models import Kpi
from members.models import MemberBody, ResponsibleParty
from plans.models import BusinessPlan, Measure, RoadmapSection, SupportCategory
from plans.services import ensure_default_reporting_periods

LEVELS = (("大項目番号", "大項目名"), ("中項目番号", "中項目名"), ("小項目番号", "小項目名"))


def _column(attribute, heading, widget=None):
    return Field(attribute=attribute, column_name=heading, widget=widget or TextWidget())


class RoadmapResource(PortalResource):
    key_fields = ()

    level1_number = _column("l1n", "大項目番号")
    level1_title = _column("l1t", "大項目名")
    level2_number = _column("l2n", "中項目番号")
    level2_title = _column("l2t", "中項目名")
    level3_number = _column("l3n", "小項目番号")
    level3_title = _column("l3t", "小項目名")
    measure_number = _column("measure_number", "取組番号")
    measure_title = _column("measure_title", "取組見出し")
    description = _column("description", "取組内容", TextWidget(required=True))
    responsible = _column("responsible", "実施主体", NamesWidget(ResponsibleParty, "実施主体"))
    categories = _column("categories", "対象類型", NamesWidget(SupportCategory, "類型（番号）"))
    measure_note = _column("measure_note", "取組の備考")
    kpi_name = _column("kpi_name", "指標名")
    measure_type = _column("measure_type", "指標の種類", ChoiceWidget(MeasureType.choices, required=False, default=MeasureType.COUNT))
    target_value = _column("target_value", "目標値", NumberWidget())
    target_period = _column("target_period", "目標の期間", ChoiceWidget(TargetPeriod.choices, required=False, default=TargetPeriod.YEAR))
    comparison = _column("comparison", "目標の向き", ChoiceWidget(Comparison.choices, required=False, default=Comparison.AT_LEAST))
    unit = _column("unit", "単位")
    numerator_label = _column("numerator_label", "分子の名称")
    denominator_label = _column("denominator_label", "分母の名称")
    qualitative_format = _column("qualitative_format", "定性の入力形式", ChoiceWidget(Kpi.QualitativeFormat.choices, required=False))
    target_text = _column("target_text", "目標の表記")
    reporting_bodies = _column("reporting_bodies", "入力機関", NamesWidget(MemberBody, "機関・団体"))
    parent = _column("parent", "親指標（内数の場合）")

    class Meta(PortalResource.Meta):
        model = Kpi
        fields = (
            "level1_number", "level1_title", "level2_number", "level2_title", "level3_number", "level3_title", "measure_number",
            "measure_title", "description", "responsible", "categories", "measure_note", "kpi_name", "measure_type", "target_value",
            "target_period", "comparison", "unit", "numerator_label", "denominator_label", "qualitative_format", "target_text",
            "reporting_bodies", "parent",
        )

    def load_lookups(self):
        parties = list(self.platform.responsible_parties.all())
        self.fields["responsible"].widget.load({p.label: p for p in parties})
        self.fields["categories"].widget.load({str(c.number): c for c in self.platform.support_categories.all()})
        self.fields["reporting_bodies"].widget.load({b.name: b for b in self.platform.member_bodies.all()})

    def get_queryset(self):
        return Kpi.objects.none()

    # --- import ----------------------------------------------------------------------------
    def before_import(self, dataset, **kwargs):
        if self.plan.pk is None:
            # A new platform's first roadmap brings its plan; a dry run rolls it back with the rest.
            self.plan.save()
            ensure_default_reporting_periods(self.plan)
        self.sections = {}
        self.measures = {}
        self.kpis = {}
        self.section_order = 0
        self.pending_parents = []
        if self.plan.pk:
            for section in RoadmapSection.objects.filter(plan=self.plan).select_related("parent__parent"):
                self.sections[self._section_path(section)] = section
                self.section_order = max(self.section_order, section.order)
            for measure in Measure.objects.filter(section__plan=self.plan).prefetch_related("responsible_parties", "categories"):
                self.measures[(measure.section_id, measure.number)] = measure
            for kpi in Kpi.objects.filter(measure__section__plan=self.plan).prefetch_related("reporting_bodies"):
                self.kpis[(kpi.measure_id, kpi.name)] = kpi

    @staticmethod
    def _section_path(section) -> tuple:
        path = []
        while section is not None:
            path.append(section.number)
            section = section.parent
        return tuple(reversed(path))

    def row_key(self, row):
        path = tuple(str(row.get(n) or "").strip() for n, _ in LEVELS)
        return (*path, str(row.get("取組番号") or "").strip(), str(row.get("指標名") or "").strip())

    def duplicate_issues(self, dataset, row_numbers):
        # A measure without KPIs has an empty 指標名; only measures with named KPIs can repeat a key.
        issues, first = [], {}
        for index, row in enumerate(dataset.dict):
            key = self.row_key(row)
            if not key[-1]:
                continue
            if key in first:
                issues.append(self.issue(row_numbers[index], "指標名", f"{first[key]}行目と同じ取組に同じ指標名があります。"))
            else:
                first[key] = row_numbers[index]
        return issues

    @staticmethod
    def issue(row, column, message):
        from imports.resources.base import Issue

        return Issue(row, column, message)

    def import_row(self, row, instance_loader, **kwargs):
        result = RowResult()
        values, errors = {}, {}
        for field in self.get_import_fields():
            try:
                values[field.attribute] = field.clean(row)
            except ValueError as exc:
                errors[field.attribute] = [str(exc)]
        path = [(values.get(f"l{i}n") or "", values.get(f"l{i}t") or "") for i in (1, 2, 3)]
        path = [(n, t) for n, t in path if n or t]
        if not path and "l1n" not in errors:
            errors["l1n"] = ["項目の番号と名称を入力してください（大項目は必須です）。"]
        for i, (number, title) in enumerate(path, start=1):
            if not number or not title:
                errors.setdefault(f"l{i}n", []).append(f"{LEVELS[i - 1][0]}と{LEVELS[i - 1][1]}は両方入力してください。")
        if errors:
            result.import_type = RowResult.IMPORT_TYPE_INVALID
            result.validation_error = ValidationError(errors)
            return result
        try:
            changed = self._write(values, path, row, kwargs["row_number"])
        except ValidationError as exc:
            result.import_type = RowResult.IMPORT_TYPE_INVALID
            result.validation_error = exc
            return result
        result.import_type = changed or RowResult.IMPORT_TYPE_SKIP
        return result

    def _write(self, values, path, row, row_number):
        parent, numbers, created = None, (), None
        for number, title in path:
            numbers = (*numbers, number)
            section = self.sections.get(numbers)
            if section is None:
                self.section_order += 1
                section = RoadmapSection(plan=self.plan, parent=parent, number=number, title=title, order=self.section_order)
                self._save(section, {"number": "l1n", "title": "l1t"})
                self.sections[numbers] = section
                created = RowResult.IMPORT_TYPE_NEW
            elif section.title != title:
                section.title = title
                self._save(section, {"title": "l1t"})
                created = created or RowResult.IMPORT_TYPE_UPDATE
            parent = section
        measure_values = {"title": values["measure_title"], "description": values["description"], "note": values["measure_note"]}
        measure = self.measures.get((parent.pk, values["measure_number"]))
        if measure is None:
            order = 1 + sum(1 for (section_id, _) in self.measures if section_id == parent.pk)
            measure = Measure(section=parent, number=values["measure_number"], order=order, **measure_values)
            self._save(measure, {"description": "description", "number": "measure_number"})
            self.measures[(parent.pk, measure.number)] = measure
            created = RowResult.IMPORT_TYPE_NEW
        elif any(getattr(measure, k) != v for k, v in measure_values.items()):
            for k, v in measure_values.items():
                setattr(measure, k, v)
            self._save(measure, {"description": "description"})
            created = created or RowResult.IMPORT_TYPE_UPDATE
        if _set_m2m(measure.responsible_parties, values["responsible"]) | _set_m2m(measure.categories, values["categories"]):
            created = created or RowResult.IMPORT_TYPE_UPDATE
        if values["kpi_name"]:
            created = self._write_kpi(measure, values, row_number) or created
        return created

    KPI_FIELDS = (
        "measure_type", "target_value", "target_period", "comparison", "unit", "numerator_label", "denominator_label",
        "qualitative_format", "target_text",
    )

    def _write_kpi(self, measure, values, row_number):
        kpi = self.kpis.get((measure.pk, values["kpi_name"]))
        kpi_values = kind_class(values["measure_type"]).normalize_settings({name: values[name] for name in self.KPI_FIELDS})
        created = None
        if kpi is None:
            order = 1 + sum(1 for (measure_id, _) in self.kpis if measure_id == measure.pk)
            kpi = Kpi(measure=measure, name=values["kpi_name"], order=order, **kpi_values)
            self._save(kpi, {name: name for name in self.KPI_FIELDS} | {"name": "kpi_name"}, exclude=["parent"])
            self.kpis[(measure.pk, kpi.name)] = kpi
            created = RowResult.IMPORT_TYPE_NEW
        elif any(getattr(kpi, k) != v for k, v in kpi_values.items()):
            for k, v in kpi_values.items():
                setattr(kpi, k, v)
            self._save(kpi, {name: name for name in self.KPI_FIELDS}, exclude=["parent"])
            created = RowResult.IMPORT_TYPE_UPDATE
        if _set_m2m(kpi.reporting_bodies, values["reporting_bodies"]):
            created = created or RowResult.IMPORT_TYPE_UPDATE
        self.pending_parents.append((kpi, values["parent"], row_number))
        return created

    def _save(self, instance, columns: dict, exclude=None):
        """full_clean, with errors moved onto the columns the row holds them in."""
        try:
            instance.full_clean(exclude=exclude, validate_unique=False)
        except ValidationError as exc:
            raise ValidationError({columns.get(k, "__all__"): v for k, v in exc.message_dict.items()}) from exc
        instance._change_reason = self.reason
        instance.save()

    def after_import(self, dataset, result, **kwargs):
        by_name = {}
        for kpi in self.kpis.values():
            by_name.setdefault(kpi.name, []).append(kpi)
        messages = []
        for kpi, parent_name, row_number in self.pending_parents:
            parent = None
            if parent_name:
                found = by_name.get(parent_name, [])
                if len(found) != 1:
                    problem = "ありません" if not found else "複数あります"
                    messages.append(f"{self.sheet_row(row_number)}行目の列「親指標（内数の場合）」：「{parent_name}」という指標がこの年度の工程表に{problem}。")
                    continue
                parent = found[0]
            if kpi.parent_id != (parent.pk if parent else None):
                kpi.parent = parent
                try:
                    kpi.full_clean(validate_unique=False)
                except ValidationError as exc:
                    messages.extend(f"{self.sheet_row(row_number)}行目の列「親指標（内数の場合）」：{m}" for m in exc.messages)
                    continue
                kpi._change_reason = self.reason
                kpi.save(update_fields=["parent"])
        if messages:
            raise ValidationError(messages)

    # --- export ----------------------------------------------------------------------------
    def export(self, queryset=None, **kwargs):
        import tablib

        dataset = tablib.Dataset(headers=self.columns())
        measures = (
            Measure.objects.filter(section__plan=self.plan)
            .select_related("section__parent__parent")
            .prefetch_related("responsible_parties", "categories", "kpis__reporting_bodies", "kpis__parent")
            .order_by("section__order", "order", "id")
        )
        for measure in measures:
            sections = []
            section = measure.section
            while section is not None:
                sections.insert(0, section)
                section = section.parent
            head = []
            for i in range(3):
                head += [sections[i].number, sections[i].title] if i < len(sections) else ["", ""]
            common = head + [
                measure.number, measure.title, measure.description,
                "／".join(p.label for p in measure.responsible_parties.all()),
                "／".join(str(c.number) for c in measure.categories.all()),
                measure.note,
            ]
            kpis = list(measure.kpis.all()) or [None]
            for kpi in kpis:
                dataset.append(common + (self._kpi_cells(kpi) if kpi else [""] * 12))
        return dataset

    def _kpi_cells(self, kpi):
        f = self.fields
        return [
            kpi.name, f["measure_type"].widget.render(kpi.measure_type), f["target_value"].widget.render(kpi.target_value),
            f["target_period"].widget.render(kpi.target_period), f["comparison"].widget.render(kpi.comparison), kpi.unit,
            kpi.numerator_label, kpi.denominator_label, f["qualitative_format"].widget.render(kpi.qualitative_format),
            kpi.target_text, "／".join(b.name for b in kpi.reporting_bodies.all()), kpi.parent.name if kpi.parent else "",
        ]


def _set_m2m(manager, objects) -> bool:
    wanted = {o.pk for o in objects}
    if {o.pk for o in manager.all()} == wanted:
        return False
    manager.set(objects)
    return True
