from django.apps import AppConfig


class PlansConfig(AppConfig):
    name = "plans"
    verbose_name = "事業実施計画・工程表"
