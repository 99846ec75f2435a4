from django.urls import path

from core import views

app_name = "platform_settings"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("proposals/", views.propose, name="propose"),
    path("proposals/<int:pk>/decide/", views.decide, name="decide"),
    path("stages/", views.stages, name="stages"),
    path("guidelines/new/", views.guideline, name="guideline_new"),
    path("guidelines/<int:pk>/", views.guideline, name="guideline"),
]
