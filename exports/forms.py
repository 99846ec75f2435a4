"""The form of one export, built from the fields the export declares (`Export.export_form_fields`).

The exports page, the download and the background job all go through it, so the page knows no
export by name: a new export with new choices needs no change here or in the views.
"""
from django import forms


class CheckboxList(forms.CheckboxSelectMultiple):
    """Boxes each inside its own label, so they need no ids (many exports share one page)."""

    def create_option(self, *args, **kwargs):
        option = super().create_option(*args, **kwargs)
        option["attrs"].pop("id", None)
        return option


class ExportForm(forms.Form):
    def __init__(self, export, plan, user, data=None):
        # Ids carry the export's id: every export's form is on the exports page at once.
        super().__init__(data, auto_id=f"{export.id}-%s", label_suffix="")
        self.export = export
        self.fields.update(export.export_form_fields(plan, user))

    def options(self) -> dict:
        """render's keyword options (the encoding among them) from what the user chose."""
        return self.export.options(self.cleaned_data)

