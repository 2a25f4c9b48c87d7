from django.urls import path

from . import views

app_name = "documents"

urlpatterns = [
    path("dossiers/<int:pk>/<slug:slug>.pdf", views.dossier_document, name="dossier"),
    path("book/", views.tracking_book, name="book"),
]
