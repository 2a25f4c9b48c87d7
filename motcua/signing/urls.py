"""Public pages of electronic results, mounted at /results/."""

from django.urls import path

from . import views

app_name = "signing"
urlpatterns = [
    path("check/", views.check, name="check"),
    path("callbacks/remote-signer/", views.callback, name="callback"),
    path("remote/<int:pk>/", views.remote_status, name="remote-status"),
    path("approvals/<int:pk>/sign-again/", views.remote_retry, name="remote-retry"),
    path("dossiers/<int:pk>/initial/", views.initial, name="initial"),
    path("<str:code>/", views.result, name="result"),
]
