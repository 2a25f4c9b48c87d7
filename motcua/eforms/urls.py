from django.urls import path

from . import pdf_views, views

app_name = "eforms"
urlpatterns = [
    path("live/<int:pk>/", views.live, name="live"),
    path("dossiers/<int:pk>/correct/", views.correct, name="correct"),
    path("dossiers/<int:pk>/to-khai.pdf", pdf_views.declaration_pdf, name="declaration_pdf"),  # eforms-content
    path("dossiers/<int:pk>/draft-result/", pdf_views.draft_result, name="draft_result"),  # eforms-content
]
