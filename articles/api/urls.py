from django.urls import include, path
from rest_framework.routers import DefaultRouter

from . import views

app_name = "api"

router = DefaultRouter()
router.register("articles", views.ArticleViewSet, basename="article")
router.register("meetings", views.MeetingViewSet, basename="meeting")
router.register("themes", views.ThemeViewSet, basename="theme")
router.register("outlets", views.OutletViewSet, basename="outlet")

urlpatterns = [path("", include(router.urls))]
