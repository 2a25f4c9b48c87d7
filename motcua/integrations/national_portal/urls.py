"""Pages of the national portal integration, under /office/national-portal/ (staff) and the signed
file links the portal fetches dossier files through (no sign-in: the signature is the key)."""

from django.urls import path

from . import views_catalog, views_files, views_reconcile, views_sync

app_name = "national_portal"

urlpatterns = [
    path("files/<str:token>/", views_files.file_download, name="file"),
    path("dossiers/<int:pk>/repush/", views_sync.repush_dossier, name="dossier-repush"),
    # catalog mapping and inbound dossiers (views_catalog)
    path("catalog/", views_catalog.catalog, name="catalog"),
    path("catalog/pull/", views_catalog.catalog_pull, name="catalog-pull"),
    path("inbound/", views_catalog.inbound, name="inbound"),
    path("inbound/pull/", views_catalog.inbound_pull, name="inbound-pull"),
    # reconciliation (views_reconcile)
    path("reconciliation/", views_reconcile.runs, name="reconcile"),
    path("reconciliation/<int:pk>/", views_reconcile.run, name="reconcile-run"),
    path("reconciliation/<int:pk>/progress/", views_reconcile.progress, name="reconcile-progress"),
    path("reconciliation/<int:pk>/export.xlsx", views_reconcile.export, name="reconcile-export"),
    path("reconciliation/<int:pk>/repush/", views_reconcile.repush, name="reconcile-repush"),
]
