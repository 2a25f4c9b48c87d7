"""Pages of the postal integration, under /office/post/: staff pages, and the citizen's pick-up form
(posted from the portal's dossier page)."""

from django.urls import path

from . import views

app_name = "post"

urlpatterns = [
    path("", views.figures, name="figures"),
    path("register/", views.register, name="register"),
    path("dossiers/<int:pk>/reorder/", views.reorder, name="dossier-reorder"),
    path("portal/dossiers/<int:pk>/pickup/", views.portal_pickup, name="portal-pickup"),
]
