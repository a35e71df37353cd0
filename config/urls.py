from django.conf import settings
from django.contrib import admin
from django.urls import include, path

from config.site_files import favicon_ico, robots_txt

urlpatterns = [
    path("robots.txt", robots_txt, name="robots_txt"),
    path("favicon.ico", favicon_ico, name="favicon_ico"),
    path(settings.ADMIN_URL, admin.site.urls),
    path("api/", include("directory.api_urls")),
    path("accounts/", include("allauth.urls")),
    path("me/", include("accounts.urls")),
    path("", include("directory.urls")),
]

handler404 = "config.not_found.not_found"
