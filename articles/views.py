"""Reader pages. Every view reads through Article.objects.published() / visible_to()."""

from django.shortcuts import get_object_or_404
from django.views.generic import DetailView, ListView

from .models import Article


class ArticleListView(ListView):
    template_name = "articles/article_list.html"
    context_object_name = "articles"
    paginate_by = 20

    def get_queryset(self):
        return Article.objects.published().with_listing_relations()


class ArticleDetailView(DetailView):
    template_name = "articles/article_detail.html"
    context_object_name = "article"

    def get_object(self, queryset=None):
        queryset = Article.objects.visible_to(self.request.user).with_listing_relations()
        return get_object_or_404(queryset.prefetch_related("figures"), slug=self.kwargs["slug"])
