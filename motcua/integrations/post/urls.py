"""Pages of the postal integration, under /office/post/ (staff)."""

from django.urls import path

from . import views

app_name = "post"

urlpatterns = [
    path("dossiers/<int:pk>/reorder/", views.reorder, name="dossier-reorder"),
]
