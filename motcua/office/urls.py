from django.urls import path

from . import views

app_name = "office"

urlpatterns = [
    path("", views.home, name="home"),
    path("queues/<slug:slug>/", views.queue, name="queue"),
    path("queues/<slug:slug>/forward/", views.bulk_forward, name="bulk_forward"),
    path("dossiers/<int:pk>/", views.dossier, name="dossier"),
    path("dossiers/<int:pk>/files/", views.upload, name="upload"),
    path("dossiers/<int:pk>/files/<int:file_id>/", views.download, name="download"),
    path("dossiers/<int:pk>/<slug:action>/", views.dossier_action, name="dossier_action"),
    path("intake/", views.intake_page, name="intake"),
    path("intake/procedures/", views.intake_procedures, name="intake_procedures"),
    path("intake/preview/", views.intake_preview, name="intake_preview"),
    path("intake/applicant/", views.intake_applicant, name="intake_applicant"),
]
