"""The portal's appointment pages, included at ``portal/appointments/``."""

from django.urls import path

from . import booking

app_name = "booking"

urlpatterns = [
    path("", booking.mine, name="mine"),
    path("book/<str:code>/", booking.book, name="book"),
    path("collect/<int:pk>/", booking.collect, name="collect"),
    path("<str:code>/", booking.detail, name="detail"),
    path("<str:code>/cancel/", booking.cancel, name="cancel"),
]
