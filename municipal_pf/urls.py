from django.urls import path

from municipal_pf import views

app_name = "municipal_pf"
urlpatterns = [path("", views.overview, name="overview")]
