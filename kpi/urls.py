from django.urls import path

from kpi import views

app_name = "kpi"
urlpatterns = [
    path("<int:fiscal_year>/entry/", views.entry, name="entry"),
    path("<int:fiscal_year>/entry/<int:body_id>/", views.entry_body, name="entry_body"),
    path("<int:fiscal_year>/entry/<int:body_id>/<int:year>-<int:month>/submit/", views.submit_month, name="submit_month"),
    path("<int:fiscal_year>/entry/<int:body_id>/history/<int:kpi_id>/<int:year>-<int:month>/", views.figure_history, name="figure_history"),
    path("<int:fiscal_year>/approvals/", views.approvals, name="approvals"),
    path("<int:fiscal_year>/approvals/approve/", views.approve_many, name="approve_many"),
    path("<int:fiscal_year>/approvals/reopen/", views.reopen, name="reopen"),
    path("submissions/<int:pk>/decide/", views.decide, name="decide"),
    path("reminders/schedule/", views.reminder_schedule, name="reminder_schedule"),
    path("<int:fiscal_year>/charts/", views.charts, name="charts"),
]
