"""Report pages (HTML): the report page with drill-down and the leaders' operations dashboard."""

from django.urls import path

from . import views

app_name = "reports"

urlpatterns = [
    path("", views.report, name="report"),
    path("figures/<slug:figure>/", views.drill, name="drill"),
    path("dossiers/<int:pk>/why/", views.why, name="why"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/body/", views.dashboard_body, name="dashboard_body"),
    path("dashboard/ranking/", views.dashboard_ranking, name="dashboard_ranking"),
]
