from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.contrib.sitemaps.views import index as sitemap_index
from django.contrib.sitemaps.views import sitemap
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from articles.sitemaps import SITEMAPS
from articles.views import RobotsView
from asean_archive.health import healthz

admin.site.site_header = _("ASEAN Archive — Biên tập")
admin.site.site_title = "ASEAN Archive"
admin.site.index_title = _("Quản trị nội dung")
# No navigation column beside every page: the article list needs the width (its columns
# and filters); the breadcrumbs and the index lead everywhere.
admin.site.enable_nav_sidebar = False

urlpatterns = [
    # For load balancers: no language prefix, no trailing slash, no HTTPS redirect.
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path(
        "sitemap.xml",
        sitemap_index,
        {"sitemaps": SITEMAPS, "sitemap_url_name": "sitemap-section"},
        name="sitemap",
    ),
    path("sitemap-<section>.xml", sitemap, {"sitemaps": SITEMAPS}, name="sitemap-section"),
    path("robots.txt", RobotsView.as_view(), name="robots"),
    path("api/v1/", include("articles.api.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="api-docs"),
]
# Vietnamese at /, English at /en/: the interface is translated, articles stay Vietnamese.
urlpatterns += i18n_patterns(path("", include("articles.urls")), prefix_default_language=False)
