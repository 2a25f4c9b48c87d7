from django.urls import include, path

from . import apply, views

app_name = "portal"

urlpatterns = [
    path("", views.home, name="home"),
    path("signup/", views.signup, name="signup"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", views.logout_view, name="logout"),
    path("vneid/", include("motcua.integrations.vneid.urls")),
    path("procedures/", views.procedures, name="procedures"),
    path("procedures/<str:code>/", views.procedure, name="procedure"),
    path("procedures/<str:code>/form.pdf", views.procedure_form, name="procedure_form"),
    path("procedures/<str:code>/apply/", apply.apply, name="apply"),
    path("procedures/<str:code>/preview/", apply.preview, name="preview"),
    path("drafts/", apply.drafts, name="drafts"),
    path("drafts/<int:pk>/", apply.draft, name="draft"),
    path("drafts/<int:pk>/delete/", apply.delete_draft, name="delete_draft"),
    path("dossiers/", views.dossiers, name="dossiers"),
    path("dossiers/<int:pk>/", views.dossier, name="dossier"),
    path("dossiers/<int:pk>/files/<int:file_id>/", views.download, name="download"),
    path("dossiers/<int:pk>/supplement/", views.supplement, name="supplement"),
    path("dossiers/<int:pk>/rate/", views.rate, name="rate"),
    path("lookup/", views.lookup, name="lookup"),
    path("lookup/t/<str:token>/", views.lookup_token, name="lookup_token"),
]
