"""Public HTML pages. The API lives under /api/ (directory.api_urls)."""

from django.urls import path

from . import feeds, views

app_name = "directory"

urlpatterns = [
    path("", views.CreatorListView.as_view(), name="creator_list"),
    path("emerging/", views.CreatorListView.as_view(emerging=True), name="emerging"),
    path("creators/<slug:slug>/", views.CreatorDetailView.as_view(), name="creator_detail"),
    path("creators/<slug:slug>/avatar.png", views.creator_avatar, name="creator_avatar"),
    path("creators/<slug:slug>/card.png", views.creator_share_card, name="creator_card"),
    path("help/", views.HelpView.as_view(), name="help"),
    path("about/", views.AboutView.as_view(), name="about"),
    path("feeds/new/", feeds.NewCreatorsFeed(), name="feed_new"),
    path("feeds/topics/<slug:slug>/", feeds.TopicCreatorsFeed(), name="feed_topic"),
    path("about/scoring/", views.RankingView.as_view(), name="scoring"),
    path("about/scoring/method/", views.ScoringMethodView.as_view(), name="scoring_method"),
]
