from django.views.generic import DetailView, ListView

from .models import Creator


class CreatorListView(ListView):
    template_name = "directory/creator_list.html"
    paginate_by = 24

    def get_queryset(self):
        return Creator.objects.listed().ranked().with_listing_data()


class CreatorDetailView(DetailView):
    template_name = "directory/creator_detail.html"

    def get_queryset(self):
        return Creator.objects.listed().with_listing_data()
