from django.urls import path

from proposals import views

app_name = "proposals"
urlpatterns = [
    path("", views.proposal_list, name="list"),
    path("new/", views.proposal_new, name="new"),
    path("<int:pk>/", views.proposal_detail, name="detail"),
    path("<int:pk>/handle/", views.proposal_handle, name="handle"),
    path("<int:pk>/withdraw/", views.proposal_withdraw, name="withdraw"),
]
