from django.urls import path

from members import views

app_name = "members"
urlpatterns = [
    path("", views.member_list, name="list"),
    path("new/", views.body_new, name="body_new"),
    path("<int:pk>/edit/", views.body_edit, name="body_edit"),
    path("<int:pk>/departments/new/", views.department_new, name="department_new"),
    path("departments/<int:pk>/edit/", views.department_edit, name="department_edit"),
    path("<int:pk>/representatives/new/", views.representative_new, name="representative_new"),
    path("representatives/<int:pk>/edit/", views.representative_edit, name="representative_edit"),
    path("representatives/<int:pk>/delete/", views.representative_delete, name="representative_delete"),
    path("roles/", views.role_list, name="roles"),
    path("roles/new/", views.role_new, name="role_new"),
    path("roles/<int:pk>/edit/", views.role_edit, name="role_edit"),
]
