from django.urls import path

from exports import views

app_name = "exports"
urlpatterns = [
    path("<int:fiscal_year>/", views.menu, name="menu"),
    path("<int:fiscal_year>/<slug:export_id>/", views.download, name="download"),
    path("<int:fiscal_year>/<slug:export_id>/start/", views.start, name="start"),
    path("jobs/<int:pk>/", views.job, name="job"),
    path("jobs/<int:pk>/file/", views.job_file, name="job_file"),
    path("jobs/<int:pk>/retry/", views.retry, name="retry"),
]
