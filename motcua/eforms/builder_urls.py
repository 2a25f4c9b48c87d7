"""The form builder's pages (included by motcua/eforms/urls.py under builder/)."""

from django.urls import path

from . import builder_views as v

app_name = "eforms_builder"

urlpatterns = [
    path("", v.index, name="index"),
    path("<int:version_id>/", v.edit, name="edit"),
    path("<int:version_id>/change/", v.change, name="change"),
    path("<int:version_id>/start/", v.start, name="start"),
    path("<int:version_id>/publish/", v.publish, name="publish"),
    path("<int:version_id>/next/", v.next_version, name="next"),
    path("<int:version_id>/form.json", v.export, name="export"),
    path("<int:version_id>/upload/", v.upload, name="upload"),
    path("<int:version_id>/preview/<slug:device>/", v.preview, name="preview"),
    path("<int:version_id>/frame/", v.preview_frame, name="frame"),
]
