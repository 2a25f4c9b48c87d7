from django.urls import path

from . import views

app_name = "legacy"

urlpatterns = [
    path("", views.index, name="index"),
    path("format/", views.format_page, name="format"),
    path("format/lich-su-mau.xlsx", views.sample, name="sample"),
    path("<int:pk>/", views.run, name="run"),
    path("<int:pk>/progress/", views.progress, name="progress"),
    path("<int:pk>/import/", views.start, name="start"),
]
