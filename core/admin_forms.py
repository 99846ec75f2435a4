"""Admin forms that keep many-to-many choices inside one platform."""
from django import forms
from django.forms.models import construct_instance

from core.tenancy import of_platform, platform_id_of, validate_same_platform


class SamePlatformForm(forms.ModelForm):
    """Refuses many-to-many choices from another platform, which a model's clean() cannot see."""

    same_platform_m2m: tuple[str, ...] = ()

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # An existing object offers only its own platform's choices; a new one is checked on save.
        platform_id = platform_id_of(self.instance) if self.instance.pk else None
        if platform_id is not None:
            for name in self.same_platform_m2m:
                if name in self.fields:
                    self.fields[name].queryset = of_platform(self.fields[name].queryset, platform_id)

    def clean(self):
        cleaned = super().clean()
        # What _post_clean would do next, done early so a new object is judged by what was chosen.
        construct_instance(self, self.instance, fields=self._meta.fields, exclude=self._meta.exclude)
        platform_id = platform_id_of(self.instance)
        for name in self.same_platform_m2m:
            if name in cleaned:
                try:
                    validate_same_platform(platform_id, cleaned[name], self.fields[name].label)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned


def same_platform_form(*names, base=SamePlatformForm):
    return type("SamePlatformModelForm", (base,), {"same_platform_m2m": names})


class PlatformColumnAdmin:
    """ModelAdmin mixin for lists with a `platform` column: a platform's name is its newest
    PlatformName, so the names are prefetched once instead of queried per row."""

    def get_queryset(self, request):
        # Only a prefetch: a select_related here would switch off the ChangeList's own
        # list_select_related, which it applies only to querysets without one.
        return super().get_queryset(request).prefetch_related("platform__names")
