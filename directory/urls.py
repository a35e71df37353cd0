"""Public HTML pages. The API lives under /api/ (directory.api_urls)."""

from django.urls import path
from django.views.generic import RedirectView

from . import feeds, reports_views, views, views_submit

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
    path("creators/<slug:slug>/report/", reports_views.report_create, name="report_create"),
    path(
        "creators/<slug:slug>/report/thanks/",
        reports_views.report_thanks,
        name="report_thanks",
    ),
    # Submitting, contact and removal (views_submit.py).
    path("submit/", views_submit.SubmitView.as_view(), name="submit"),
    path(
        "submit/status/<str:token>/",
        views_submit.SubmissionStatusView.as_view(),
        name="submission_status",
    ),
    path("about/contact/", views_submit.ContactView.as_view(), name="contact"),
    path("removal/", views_submit.RemovalRequestView.as_view(), name="removal_request"),
    path(
        "creators/<slug:slug>/removal/",
        views_submit.RemovalRequestView.as_view(),
        name="creator_removal_request",
    ),
    path("creators/<slug:slug>/avatar.png", views.creator_avatar, name="creator_avatar"),
    path("creators/<slug:slug>/card.png", views.creator_share_card, name="creator_card"),
    path("help/", views.HelpView.as_view(), name="help"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("feeds/new/", feeds.NewCreatorsFeed(), name="feed_new"),
    path("feeds/topics/<slug:slug>/", feeds.TopicCreatorsFeed(), name="feed_topic"),
    path("about/scoring/", views.RankingView.as_view(), name="scoring"),
    path("about/scoring/method/", views.ScoringMethodView.as_view(), name="scoring_method"),
]
