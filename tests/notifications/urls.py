"""The site's URLs with the notifications' (until the lead mounts them at /notifications/)."""

from django.urls import include, path

from motcua.urls import urlpatterns as site

urlpatterns = [path("notifications/", include("motcua.notifications.urls")), *site]
