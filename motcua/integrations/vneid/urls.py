from django.urls import path

from . import views

app_name = "vneid"

urlpatterns = [
    path("login/", views.start, name="login"),
    path("callback/", views.callback, name="callback"),
    path("link/", views.link, name="link"),
]
