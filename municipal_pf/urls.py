from django.urls import path

from municipal_pf import views

app_name = "municipal_pf"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("<int:pk>/", views.platform_detail, name="platform"),
    path("<int:pk>/edit/", views.platform_edit, name="platform_edit"),
    path("reports/", views.report_list, name="reports"),
    path("reports/new/", views.report_new, name="report_new"),
    path("reports/<int:pk>/", views.report_detail, name="report"),
]
