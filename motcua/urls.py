from django.contrib import admin
from django.urls import include, path

from motcua.api.main import api

admin.site.site_header = "motcua - Quản trị hệ thống một cửa"
admin.site.site_title = "motcua"
admin.site.index_title = "Quản trị"

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("", include("motcua.core.urls")),
]
