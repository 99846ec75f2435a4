from django.urls import path

from plans import views

app_name = "plans"
urlpatterns = [
    path("<int:fiscal_year>/roadmap/", views.roadmap, name="roadmap"),
]
