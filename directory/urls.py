"""Public HTML pages. The API lives under /api/ (directory.api_urls)."""

from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "directory"

urlpatterns = [
    path("", views.CreatorListView.as_view(), name="creator_list"),
    path("emerging/", views.CreatorListView.as_view(emerging=True), name="emerging"),
    # People trim a profile's address to its parent: the list lives at /, say so (not a 404).
    path(
        "creators/",
        RedirectView.as_view(pattern_name="directory:creator_list", query_string=True),
        name="creators",
    ),
    path("creators/<slug:slug>/", views.CreatorDetailView.as_view(), name="creator_detail"),
    path("help/", views.HelpView.as_view(), name="help"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("about/scoring/", views.ScoringMethodView.as_view(), name="scoring"),
]
