from django.urls import path

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.CreatorListView.as_view(), name="creator_list"),
    path("creators/<slug:slug>/", views.CreatorDetailView.as_view(), name="creator_detail"),
]
