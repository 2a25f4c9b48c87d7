"""Pages of the population database look-up, under /population/: the counter's and the portal's
fill (htmx) and the audit log (office)."""

from django.urls import path

from . import views

app_name = "population"

urlpatterns = [
    path("office/log/", views.log, name="log"),
    path("office/fill/", views.counter_fill, name="counter-fill"),
    path("portal/<str:code>/fill/", views.portal_fill, name="portal-fill"),
]
