"""The Decision 766 measure "accounts authenticated with VNeID" of a unit and period (registered in
``motcua.reports.index766.MEASURE_PROVIDERS`` by the portal's app config), and the per-dossier flag
the national portal takes (``TaiKhoanDuocXacThucVoiVNeID``).

A dossier counts when its owner (the portal account that submitted it) had signed in with the
national e-ID (an ``EidSignIn``) by the time it was submitted. The population is the unit's online
dossiers (handling path, as every figure) submitted in the period; none: N/A."""

from __future__ import annotations

from typing import Any

from motcua.domain import indicators as ind

MEASURE = "online_vneid"


def _verified(owner_ref: Any, at_ref: Any) -> Any:
    from django.db.models import Exists

    from motcua.portal.models import EidSignIn

    return Exists(EidSignIn.objects.filter(user_id=owner_ref, at__lte=at_ref))


def vneid_measures(unit: Any, period: Any) -> dict[str, ind.Measure]:
    from django.db.models import OuterRef

    from motcua.catalog.choices import Channel
    from motcua.dossiers.models import Dossier

    online = Dossier.objects.filter(handling_path__startswith=unit.path, submitted_at__gte=period.start,
                                    submitted_at__lt=period.end, channel=Channel.ONLINE)
    total = online.count()
    verified = online.filter(_verified(OuterRef("owner_id"), OuterRef("submitted_at"))).count() if total else 0
    return {MEASURE: ind.Measure(verified, total)}


def dossier_verified(dossier: Any) -> bool:
    """Whether the dossier's owner had signed in with VNeID when it was submitted."""
    from motcua.portal.models import EidSignIn

    if not dossier.owner_id or dossier.submitted_at is None:
        return False
    return EidSignIn.objects.filter(user_id=dossier.owner_id, at__lte=dossier.submitted_at).exists()
