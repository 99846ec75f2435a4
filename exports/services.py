from exports.models import ExportLog
from exports.registry import REGISTRY, ExportFile


def render_and_log(export_id: str, plan, *, user=None, encoding: str = "utf-8-sig", via: str = "web", **options) -> ExportFile:
    """Render an export and record who took it (the web and the command line both come through here)."""
    export = REGISTRY[export_id]
    file = export.render(plan, encoding=encoding, **options)
    ExportLog.objects.create(
        platform=plan.platform, user=user, export_id=export.id, fiscal_year=plan.fiscal_year,
        filename=file.filename, size=len(file.content), via=via,
    )
    return file
