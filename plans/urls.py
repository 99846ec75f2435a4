from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("<int:fiscal_year>/roadmap/", views.roadmap, name="roadmap"),
    path("<int:fiscal_year>/tasks/", views.my_tasks, name="my_tasks"),
    path("<int:fiscal_year>/tasks/<int:measure_id>/<int:period_id>/", views.report_edit, name="report_edit"),
    path("reports/<int:pk>/", views.report_detail, name="report_detail"),
    path("reports/<int:pk>/review/", views.report_review, name="report_review"),
    path("<int:fiscal_year>/progress/", views.consolidation, name="consolidation"),
    path("<int:fiscal_year>/progress/<int:period_id>/", views.consolidation, name="consolidation_period"),
    path("<int:fiscal_year>/progress/<int:period_id>/<int:measure_id>/", views.summary_edit, name="summary_edit"),
    path("<int:fiscal_year>/rollover/", views.rollover, name="rollover"),
    path("<int:fiscal_year>/diff/<int:other_year>/", views.diff, name="diff"),
    path("settings/", views.settings_home, name="settings_home"),
    path("settings/new/", views.settings_new, name="settings_new"),
    path("<int:fiscal_year>/settings/", views.settings, name="settings"),
    path("<int:fiscal_year>/settings/goals/<int:goal_id>/", views.settings_goal, name="settings_goal"),
    path("<int:fiscal_year>/settings/<slug:kind>/", views.settings_list, name="settings_list"),
]
