from django.contrib import admin
from django.urls import include, path

admin.site.site_header = "ASEAN Archive — Biên tập"
admin.site.site_title = "ASEAN Archive"
admin.site.index_title = "Quản trị nội dung"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("", include("articles.urls")),
]
