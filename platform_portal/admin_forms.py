"""Admin forms that keep many-to-many choices inside one platform."""
from django import forms
from django.core.exceptions import ObjectDoesNotExist
from django.forms.models import construct_instance

from platform_portal.tenancy import platform_id_of, validate_same_platform


class SamePlatformForm(forms.ModelForm):
    """Refuses many-to-many choices from another platform, which a model's clean() cannot see."""

    same_platform_m2m: tuple[str, ...] = ()

    def clean(self):
        cleaned = super().clean()
        # What _post_clean would do next, done early so a new object is judged by what was chosen.
        construct_instance(self, self.instance, fields=self._meta.fields, exclude=self._meta.exclude)
        try:
            platform_id = platform_id_of(self.instance)
        except ObjectDoesNotExist:
            platform_id = None
        for name in self.same_platform_m2m:
            if name in cleaned:
                try:
                    validate_same_platform(platform_id, cleaned[name], self.fields[name].label)
                except forms.ValidationError as error:
                    self.add_error(name, error)
        return cleaned


def same_platform_form(*names, base=SamePlatformForm):
    return type("SamePlatformModelForm", (base,), {"same_platform_m2m": names})
