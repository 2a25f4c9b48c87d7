from django.urls import path

from . import views

app_name = "letters"

urlpatterns = [
    path("dossiers/<int:pk>/", views.letter, name="letter"),
]
