"""/me/: the signed-in person's own pages."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.me, name="me"),
    path("claim/<slug:slug>/", views.claim_start, name="claim_start"),
    path("claims/<int:pk>/", views.claim_detail, name="claim_detail"),
    path("creators/<int:pk>/edit/", views.creator_edit, name="creator_edit"),
    path("creators/<int:pk>/stats/", views.creator_stats, name="creator_stats"),
    path("creators/<int:pk>/break/", views.creator_break, name="creator_break"),
    path("creators/<int:pk>/remove/", views.creator_remove, name="creator_remove"),
    path(
        "creators/<int:pk>/remove/cancel/",
        views.creator_remove_cancel,
        name="creator_remove_cancel",
    ),
    path("remove/confirm/<str:token>/", views.removal_confirm, name="removal_confirm"),
]
