"""A demo province after the July 2025 reform: a provincial service centre and departments,
communes with their own centres, one dissolved district kept for history, staff for every
role (two specialists per commune, so that steps are assigned and handed over), the sample catalog
with internal processes (each marks its approval step and the step that produces the draft result),
and (optionally) generated dossiers."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction

from motcua.calendars.services import settings_for
from motcua.catalog.models import Procedure
from motcua.catalog.services import attach_default_process, import_catalog, load_sample_catalog
from motcua.units.choices import Role, UnitKind
from motcua.units.models import StaffRole, Unit

DEMO_PASSWORD = "motcua-demo-2025"

PROVINCE = ("68", "Tỉnh Lâm Đồng")
PROVINCE_CENTRE = ("000.00.10.H39", "Trung tâm Phục vụ hành chính công tỉnh Lâm Đồng")
# department code, name, catalog fields it handles
DEPARTMENTS = [
    ("000.00.11.H39", "Sở Tư pháp", ["LLTP", "NCCN", "HT", "CT"]),
    ("000.00.12.H39", "Sở Nông nghiệp và Môi trường", ["DD"]),
    ("000.00.13.H39", "Sở Xây dựng", ["XD"]),
    ("000.00.14.H39", "Sở Tài chính", ["DN", "HKD"]),
    ("000.00.15.H39", "Sở Nội vụ", ["LD", "NCC", "BTXH"]),
    ("000.00.16.H39", "Sở Y tế", ["YT"]),
    ("000.00.17.H39", "Sở Giáo dục và Đào tạo", ["GD"]),
]
# commune slug, code, name
COMMUNES = [
    ("xuanhuong", "000.31.10.H39", "Phường Xuân Hương - Đà Lạt", "24778"),
    ("lamvien", "000.31.11.H39", "Phường Lâm Viên - Đà Lạt", "24781"),
    ("dilinh", "000.32.10.H39", "Xã Di Linh", "25114"),
    ("namban", "000.33.10.H39", "Xã Nam Ban Lâm Hà", "24937"),
    ("dinhvanlamha", "000.33.11.H39", "Xã Đinh Văn Lâm Hà", "24940"),
]
DISSOLVED_DISTRICT = ("000.20.32.H39", "Huyện Di Linh (đã giải thể 01/7/2025)")


@dataclass
class DemoLogin:
    username: str
    role: str
    unit: str


def _unit(code: str, name: str, kind: str, parent: Unit | None, **extra: object) -> Unit:
    u, _ = Unit.objects.update_or_create(code=code, defaults={"name": name, "kind": kind, "parent": parent, **extra})
    return u


def _staff(username: str, full_name: str, unit: Unit, role: str, logins: list[DemoLogin]) -> None:
    User = get_user_model()
    user, created = User.objects.get_or_create(username=username)
    if created:
        parts = full_name.split()
        user.last_name, user.first_name = " ".join(parts[:-1]), parts[-1]
        user.set_password(DEMO_PASSWORD)
        user.is_staff = role == Role.ADMIN
        user.save()
    StaffRole.objects.get_or_create(user=user, unit=unit, role=role)
    logins.append(DemoLogin(username, role, unit.name))


@transaction.atomic
def seed_demo() -> list[DemoLogin]:
    """Create (idempotently) the demo province, catalog and staff; return the demo logins."""
    logins: list[DemoLogin] = []
    from datetime import date

    province = _unit(PROVINCE[0], PROVINCE[1], UnitKind.PROVINCE, None, admin_code="68")
    settings_for(province.pk)
    centre = _unit(*PROVINCE_CENTRE, UnitKind.SERVICE_CENTRE, province)
    departments = {code: _unit(code, name, UnitKind.AGENCY, province) for code, name, _ in DEPARTMENTS}
    district = _unit(*DISSOLVED_DISTRICT, UnitKind.DISTRICT, province, dissolved_on=date(2025, 7, 1))
    communes: dict[str, tuple[Unit, Unit]] = {}
    for slug, code, name, admin_code in COMMUNES:
        commune = _unit(code, name, UnitKind.COMMUNE, province, admin_code=admin_code)
        ccentre = _unit(code.replace(".10.", ".90.").replace(".11.", ".91."),
                        f"Trung tâm Phục vụ hành chính công {name}", UnitKind.SERVICE_CENTRE, commune)
        communes[slug] = (commune, ccentre)
        _staff(f"motcua.{slug}", f"Nguyễn Thị Một Cửa {slug.title()}", ccentre, Role.COUNTER_OFFICER, logins)
        _staff(f"chuyenvien.{slug}", f"Trần Văn Chuyên {slug.title()}", commune, Role.SPECIALIST, logins)
        # a second specialist: a step can be claimed, assigned by the leader and handed over
        _staff(f"chuyenvien2.{slug}", f"Đặng Thị Thẩm {slug.title()}", commune, Role.SPECIALIST, logins)
        _staff(f"lanhdao.{slug}", f"Lê Văn Lãnh {slug.title()}", commune, Role.LEADER, logins)
    import_catalog(load_sample_catalog())
    commune_ids = [c.pk for c, _ in communes.values()]
    doc = load_sample_catalog()
    by_field = {f: departments[code] for code, _, fields in DEPARTMENTS for f in fields}
    for p in doc["procedures"]:
        proc = Procedure.objects.get(code=p["code"])
        if "commune" in p["levels"]:
            attach_default_process(proc, p["process"], commune_ids)
        if "province" in p["levels"]:
            attach_default_process(proc, p["process"], [by_field[p["field"]].pk])
        if "district" in p["levels"]:
            attach_default_process(proc, p["process"], [district.pk])
    _staff("motcua.tinh", "Phạm Thị Tiếp Nhận", centre, Role.COUNTER_OFFICER, logins)
    # the department's own counter: online dossiers filed on the national portal for it arrive there
    _staff("motcua.sotuphap", "Lý Thị Tiếp Dân", departments["000.00.11.H39"], Role.COUNTER_OFFICER, logins)
    _staff("chuyenvien.sotuphap", "Võ Văn Thẩm Định", departments["000.00.11.H39"], Role.SPECIALIST, logins)
    _staff("lanhdao.sotuphap", "Đỗ Văn Giám Đốc", departments["000.00.11.H39"], Role.LEADER, logins)
    _staff("giamsat.tinh", "Hoàng Thị Giám Sát", province, Role.MONITOR, logins)
    _staff("quantri", "Bùi Văn Quản Trị", province, Role.ADMIN, logins)
    User = get_user_model()
    admin = User.objects.get(username="quantri")
    if not admin.is_superuser:
        admin.is_superuser = admin.is_staff = True
        admin.save(update_fields=["is_superuser", "is_staff"])
    citizen, created = User.objects.get_or_create(username="congdan", defaults={"first_name": "An",
                                                                                "last_name": "Nguyễn Văn"})
    if created:
        citizen.set_password(DEMO_PASSWORD)
        citizen.save()
    from motcua.portal.models import CitizenProfile

    CitizenProfile.objects.get_or_create(user=citizen, defaults={
        "id_number": "068090001234", "phone": "0912345678", "address": "12 Trần Hưng Đạo, phường Xuân Hương"})
    logins.append(DemoLogin("congdan", "citizen", "-"))
    return logins
