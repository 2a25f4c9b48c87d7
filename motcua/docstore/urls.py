from django.urls import path

from . import views

app_name = "docstore"

urlpatterns = [
    path("", views.mine, name="mine"),
    path("documents/<int:pk>/file/", views.my_file, name="file"),
    path("office/dossiers/<int:dossier_id>/documents/<int:pk>/file/", views.staff_file, name="staff_file"),
    path("office/intake/", views.intake_offers, name="intake_offers"),
]
