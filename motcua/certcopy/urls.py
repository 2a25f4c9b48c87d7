from django.urls import path

from . import views

app_name = "certcopy"

urlpatterns = [
    path("", views.register, name="register"),
    path("dossiers/<int:pk>/", views.certify, name="certify"),
]
