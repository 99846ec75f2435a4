from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from core import health, twofactor
from dashboard import views
from onboarding import views as platform_views

admin.site.site_header = "プラットフォーム事務局ポータル 管理"
admin.site.site_title = "事務局ポータル 管理"
admin.site.index_title = "マスタデータ管理"
# Also answers a database lost in middleware, before any view (core/faults.py).
handler500 = "core.faults.server_error"
handler400 = "core.faults.bad_request"

urlpatterns = [
    path("", views.home, name="home"),
    path("healthz/", health.healthz, name="healthz"),
    path("reminders/<int:fiscal_year>/", views.send_reminders, name="send_reminders"),
    path("national/", views.national, name="national"),
    path("platforms/new/", platform_views.open_new, name="platforms"),
    path("platform/names/", platform_views.names, name="platform_names"),
    path("platform/names/<int:pk>/", platform_views.name_edit, name="platform_name_edit"),
    path("platform/settings/", include("core.urls")),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path("password-reset/sent/", auth_views.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("password-reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("password-reset/done/", auth_views.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("account/two-factor/", twofactor.verify, name="two_factor_verify"),
    path("account/two-factor/setup/", twofactor.setup, name="two_factor_setup"),
    path("account/security/", twofactor.security, name="security"),
    path("account/security/disable/", twofactor.disable, name="two_factor_disable"),
    path("account/password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("account/password/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
    path("plans/", include("plans.urls")),
    path("kpi/", include("kpi.urls")),
    path("proposals/", include("proposals.urls")),
    path("exports/", include("exports.urls")),
    path("meetings/", include("meetings.urls")),
    path("imports/", include("imports.urls")),
    path("municipal/", include("municipal_pf.urls")),
    path("members/", include("members.urls")),
    path("admin/", admin.site.urls),
]
