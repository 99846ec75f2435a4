from django.apps import AppConfig


class MunicipalPfConfig(AppConfig):
    name = "municipal_pf"
    verbose_name = "市町村プラットフォーム"
