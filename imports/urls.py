from django.urls import path

from imports import views

app_name = "imports"
urlpatterns = [
    path("", views.menu, name="menu"),
    path("runs/<int:pk>/", views.run_detail, name="run"),
    path("runs/<int:pk>/confirm/", views.confirm, name="confirm"),
    path("runs/<int:pk>/discard/", views.discard, name="discard"),
    path("<slug:kind_id>/upload/", views.upload, name="upload"),
    path("<slug:kind_id>/template/", views.sheet, {"what": "template"}, name="template"),
    path("<slug:kind_id>/data/", views.sheet, {"what": "data"}, name="data"),
]
