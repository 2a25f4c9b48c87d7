"""Payment pages under /payments/: the pay button, the browser's return, the receipt, and the
accountant's reconciliation."""

from django.urls import path

from . import views

app_name = "payment"

urlpatterns = [
    path("dossiers/<int:pk>/", views.dossier_payments, name="dossier"),
    path("dossiers/<int:pk>/pay/", views.pay, name="pay"),
    path("return/", views.back, name="return"),
    path("<int:pk>/receipt/", views.receipt, name="receipt"),
    path("reconciliation/", views.reconciliation, name="reconciliation"),
    path("reconciliation/<int:pk>/", views.reconciliation_run, name="reconciliation-run"),
    path("reconciliation/<int:pk>/export.xlsx", views.reconciliation_export, name="reconciliation-export"),
]
