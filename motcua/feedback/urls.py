from django.urls import path

from . import views

app_name = "feedback"

urlpatterns = [
    # the portal: anyone sends; a signed-in citizen follows their cases
    path("", views.send, name="send"),
    path("sent/<str:code>/", views.sent, name="sent"),
    path("answers/", views.public, name="public"),
    path("answers/<str:code>/", views.public_case, name="public_case"),
    path("mine/", views.mine, name="mine"),
    path("mine/<int:pk>/", views.case, name="case"),
    path("mine/<int:pk>/rate/", views.rate, name="rate"),
    path("mine/<int:pk>/info/", views.info, name="info"),
    path("files/<int:pk>/<int:file_id>/", views.download, name="download"),
    # the office
    path("office/", views.queue, name="queue"),
    path("office/new/", views.entry, name="entry"),
    path("office/report/", views.report, name="report"),
    path("office/export.xlsx", views.export, name="export"),
    path("office/<int:pk>/", views.office_case, name="office_case"),
    path("office/<int:pk>/<slug:action>/", views.act, name="act"),
]
