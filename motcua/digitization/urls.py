from django.urls import path

from . import views

app_name = "digitization"

urlpatterns = [
    path("<int:pk>/components/<int:component_id>/", views.component, name="component"),
    path("<int:pk>/result/", views.result, name="result"),
]
