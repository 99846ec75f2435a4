from django import forms

from members.models import User
from core.models import Platform, PlatformName, Prefecture


class OpenPlatformForm(forms.Form):
    prefecture = forms.ModelChoiceField(label="都道府県", queryset=Prefecture.objects.filter(platform__isnull=True))
    code = forms.SlugField(label="識別子", max_length=40, help_text="半角英数字（例: tottori）")
    name = forms.CharField(label="正式名称", max_length=200)
    from_fiscal_year = forms.IntegerField(label="名称の適用開始年度", min_value=2000, max_value=2100)
    secretariat_body = forms.CharField(label="事務局の機関名", max_length=200, help_text="例: 鳥取労働局")
    username = forms.CharField(label="事務局の最初の利用者：ユーザー名", max_length=150)
    display_name = forms.CharField(label="氏名", max_length=100)
    email = forms.EmailField(label="メールアドレス", help_text="パスワード設定の案内をこのアドレスに送ります。")

    def clean_code(self):
        code = self.cleaned_data["code"]
        if Platform.objects.filter(code=code).exists():
            raise forms.ValidationError("この識別子は既に使われています。")
        return code

    def clean_username(self):
        username = self.cleaned_data["username"]
        if User.objects.filter(username=username).exists():
            raise forms.ValidationError("このユーザー名は既に使われています。")
        return username


class PlatformNameForm(forms.ModelForm):
    class Meta:
        model = PlatformName
        fields = ["name", "short_name", "from_fiscal_year", "reason"]

    def __init__(self, *args, platform, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.platform = platform

    def clean_from_fiscal_year(self):
        year = self.cleaned_data["from_fiscal_year"]
        if self.instance.platform.names.filter(from_fiscal_year=year).exclude(pk=self.instance.pk).exists():
            raise forms.ValidationError(f"{year}年度からの名称は既に登録されています。")
        return year
