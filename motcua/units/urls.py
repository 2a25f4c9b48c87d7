from django.urls import path

from . import views

app_name = "units"

urlpatterns = [
    path("reorganizations/", views.index, name="reorganizations"),
    path("reorganizations/new/", views.new, name="reorganization_new"),
    path("reorganizations/<int:pk>/", views.detail, name="reorganization"),
]
