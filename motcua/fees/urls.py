from django.urls import path

from . import views

app_name = "fees"

urlpatterns = [
    path("dossiers/<int:pk>/cash/", views.collect, name="collect"),
    path("receipts/<int:pk>/cancel/", views.cancel, name="cancel"),
    path("receipts/<int:pk>/", views.receipt_pdf, name="receipt"),
    path("pay/<str:token>/", views.pay, name="pay"),
]
