from django.urls import path

from exports import views

app_name = "exports"
urlpatterns = [
    path("<int:fiscal_year>/", views.menu, name="menu"),
    path("<int:fiscal_year>/<slug:export_id>/", views.download, name="download"),
]
