from django import forms


FILE_FORMATS = [("xlsx", "Excel（xlsx）"), ("utf-8-sig", "CSV（UTF-8）"), ("cp932", "CSV（Shift_JIS）")]


class UploadForm(forms.Form):
    # An empty file reaches the preview, which explains what the file should hold.
    file = forms.FileField(
        allow_empty_file=True,
        label="ファイル", help_text="Excel（xlsx）または CSV（UTF-8・Shift_JIS）。1行目は見出し（テンプレートと同じ）にしてください。"
    )
    fiscal_year = forms.IntegerField(label="年度", min_value=2000, max_value=2100, required=False)

    def __init__(self, *args, per_plan=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["fiscal_year"].required = per_plan
        self.fields["file"].widget.attrs["accept"] = ".xlsx,.csv"

    def clean_file(self):
        file = self.cleaned_data["file"]
        if not file.name.lower().endswith((".xlsx", ".csv", ".txt")):
            raise forms.ValidationError("xlsx または csv のファイルを選んでください。")
        return file


