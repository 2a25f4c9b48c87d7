from django.urls import path, register_converter

from . import views


class Format:
    """The spec's format suffix: ``.xml`` (required by the spec) or ``.json``."""

    regex = "xml|json"

    def to_python(self, value: str) -> str:
        return value

    def to_url(self, value: str) -> str:
        return value


register_converter(Format, "o311fmt")

app_name = "open311"

urlpatterns = [
    path("", views.root, name="root"),
    path("discovery.<o311fmt:fmt>", views.discovery, name="discovery"),
    path("services.<o311fmt:fmt>", views.service_list, name="services"),
    path("services/<str:code>.<o311fmt:fmt>", views.service_definition, name="service"),
    path("requests.<o311fmt:fmt>", views.request_list, name="requests"),
    path("requests/<str:code>.<o311fmt:fmt>", views.request_detail, name="request"),
    path("media/<str:code>/<int:file_id>", views.media, name="media"),
    path("tokens/<str:token>.<o311fmt:fmt>", views.token, name="token"),
]
