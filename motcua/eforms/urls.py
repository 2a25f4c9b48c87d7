from django.urls import path

from . import views

app_name = "eforms"
urlpatterns = [
    path("live/<int:pk>/", views.live, name="live"),
    path("dossiers/<int:pk>/correct/", views.correct, name="correct"),
]
