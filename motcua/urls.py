from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path, re_path
from django.utils.translation import gettext_lazy as _

from motcua.api.main import api
from motcua.office import auth as office_auth


def api_not_found(request, *args, **kwargs):  # noqa: ANN001, ANN002, ANN003, ANN201
    """Unknown API routes answer with the same JSON envelope as every other API error."""
    return JsonResponse({"error": {"code": "not_found", "message": "No such API route.", "fields": {}}},
                        status=404, json_dumps_params={"ensure_ascii": False})


admin.site.site_header = _("motcua - Quản trị hệ thống một cửa")
admin.site.site_title = "motcua"
admin.site.index_title = _("Quản trị")

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", api.urls),
    re_path(r"^api/", api_not_found),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", office_auth.LoginView.as_view(), name="login"),
    path("logout/", office_auth.LogoutView.as_view(), name="logout"),
    path("office/national-portal/", include("motcua.integrations.national_portal.urls")),
    path("office/post/", include("motcua.integrations.post.urls")),
    path("population/", include("motcua.integrations.population.urls")),
    path("payments/", include("motcua.integrations.payment.urls")),
    path("notifications/", include("motcua.notifications.urls")),  # unsubscribe links are built on this path
    path("results/", include("motcua.signing.urls")),
    path("office/fees/", include("motcua.fees.urls")),
    path("office/digitization/", include("motcua.digitization.urls")),
    path("office/certified-copies/", include("motcua.certcopy.urls")),
    path("office/units/", include("motcua.units.urls")),  # reorganizations of the unit tree (administrators)
    path("office/catalog/", include("motcua.catalog.urls")),  # the catalog board posted at the counter
    path("office/letters/", include("motcua.letters.urls")),  # letters handed out with a result
    path("office/legacy/", include("motcua.legacy.urls")),  # importing a legacy system's history (administrators)
    path("documents-store/", include("motcua.docstore.urls")),  # the citizen's store (portal) and staff views
    path("feedback/", include("motcua.feedback.urls")),
    path("open311/v2/", include("motcua.open311.urls")),
    path("office/eforms/builder/", include("motcua.eforms.builder_urls")),  # the form builder (administrators)
    path("eforms/", include("motcua.eforms.urls")),  # the form's htmx redraw, the declaration's correction
    path("", include("motcua.queueing.urls")),  # kiosk, display, follow page (public); office/queue-counter/
    path("office/", include("motcua.office.urls")),
    path("documents/", include("motcua.documents.urls")),
    path("portal/appointments/", include("motcua.queueing.booking_urls")),  # the citizen's appointments
    path("reports/queue/", include("motcua.queueing.stats_urls")),  # the dashboard's waiting-time panel
    path("portal/", include("motcua.portal.urls")),
    path("reports/", include("motcua.reports.urls")),
    path("guides/", include("motcua.guides.urls")),  # the officer's and the administrator's guides (staff)
    path("", include("motcua.core.urls")),
]
