from django.urls import path

from . import views

app_name = "catalog"

urlpatterns = [
    path("board/", views.board, name="board"),
]
