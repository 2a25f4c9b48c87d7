"""Queue pages: the kiosk, the printed ticket and the phone's follow page, the waiting-room display
(public), and the counter's calling panel (office). Included at the site root, before ``office/``."""

from django.urls import path

from . import display, kiosk, views

app_name = "queueing"

urlpatterns = [
    path("kiosk/", kiosk.kiosk, name="kiosk"),
    path("kiosk/ticket/<str:token>/", kiosk.ticket, name="ticket"),
    path("queue/t/<str:token>/", kiosk.follow, name="follow"),
    path("display/", display.display, name="display"),
    path("display/board/", display.board, name="board"),
    path("office/queue-counter/", views.panel, name="counter"),
    path("office/queue-counter/sit/", views.sit, name="sit"),
    path("office/queue-counter/act/", views.act, name="act"),
    path("office/queue-counter/receive/<int:ticket_id>/", views.receive, name="receive"),
]
