"""/me/: the signed-in person's own pages."""

from django.urls import path

from . import views

app_name = "accounts"

urlpatterns = [
    path("", views.me, name="me"),
]
