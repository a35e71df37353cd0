from django.conf import settings


def site(request):
    """Values every template needs: the site's name and whether demo data is shown."""
    return {"SITE_NAME": "Mental Health Voices", "DEBUG": settings.DEBUG}
