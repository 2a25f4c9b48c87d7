"""The dashboard's queue panel, included at ``reports/queue/``."""

from django.urls import path

from . import stats_views

app_name = "queue_stats"

urlpatterns = [path("panel/", stats_views.panel, name="panel")]
