from django.urls import path

from . import feeds, views

app_name = "articles"

urlpatterns = [
    path("", views.HomeView.as_view(), name="home"),
    path("bai-viet/<slug:slug>/", views.ArticleDetailView.as_view(), name="detail"),
    path("hoi-nghi/", views.MeetingIndexView.as_view(), name="meetings"),
    path("hoi-nghi/<slug:slug>/", views.MeetingDetailView.as_view(), name="meeting"),
    path("hoi-nghi/<slug:slug>/feed/", feeds.MeetingFeed(), name="meeting_feed"),
    path("chu-de/", views.ThemeIndexView.as_view(), name="themes"),
    path("chu-de/<slug:slug>/", views.ThemeDetailView.as_view(), name="theme"),
    path("chu-de/<slug:slug>/feed/", feeds.ThemeFeed(), name="theme_feed"),
    path("bao/", views.OutletIndexView.as_view(), name="outlets"),
    path("bao/<slug:slug>/", views.OutletDetailView.as_view(), name="outlet"),
    path("luu-tru/", views.ArchiveIndexView.as_view(), name="archive"),
    path("luu-tru/<int:year>/", views.ArchivePeriodView.as_view(), name="archive_year"),
    path(
        "luu-tru/<int:year>/<int:month>/",
        views.ArchivePeriodView.as_view(),
        name="archive_month",
    ),
    path("search/", views.SearchView.as_view(), name="search"),
    path("feed/", feeds.LatestArticlesFeed(), name="feed"),
]
