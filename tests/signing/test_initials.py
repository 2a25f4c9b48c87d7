"""Two signatures on one file: the specialist initials a draft from the staff dossier page, the leader's
approval signs that initialled file; both validate (pyHanko and pdfsig) and the public page lists both.
Result codes are reserved: two drafts initialled (even at the same instant) never share a code."""

from __future__ import annotations

import io
from types import SimpleNamespace

import pytest

from motcua.dossiers import services as svc
from motcua.signing import config, verify
from motcua.signing import services as signing
from motcua.signing.models import ResultCode
from motcua.signing.sample import make_result_pdf
from tests.test_concurrency import run_together, shared_db  # noqa: F401 - the fixture

from .test_pades import pdfsig_signatures
from .test_wiring import attach_pdf, signing_on  # noqa: F401 - the fixture

LEADER, SPECIALIST = "Nguyễn Văn Lãnh Đạo", "Trần Thị Chuyên Viên"


def at_appraisal(world, clock):  # noqa: ANN001, ANN201
    clock.set("2026-03-10 09:00")
    d = svc.intake(world.actor("counter_a"), world.intake_request())
    svc.start(world.actor("counter_a"), d.pk)
    return svc.forward(world.actor("specialist_a"), d.pk)  # -> 2 appraisal, the specialist's step


@pytest.mark.django_db
def test_the_dossier_page_offers_initials_and_the_leader_signs_the_initialled_file(  # noqa: ANN001
        world, clock, signing_on, client_of, client, tmp_path) -> None:  # noqa: F811
    d = at_appraisal(world, clock)
    specialist = client_of("specialist_a")
    page = specialist.get(f"/office/dossiers/{d.pk}/").content.decode()
    assert 'id="signing-initials"' not in page  # no draft yet: nothing to initial
    draft = attach_pdf(world, d, name="du-thao.pdf")
    page = specialist.get(f"/office/dossiers/{d.pk}/").content.decode()
    assert 'id="signing-initials"' in page and f'action="/results/dossiers/{d.pk}/initial/"' in page
    assert f'<option value="{draft.pk}">du-thao.pdf</option>' in page
    assert 'id="signing-initials"' not in client_of("leader_a").get(f"/office/dossiers/{d.pk}/").content.decode()
    r = specialist.post(f"/results/dossiers/{d.pk}/initial/", {"document": draft.pk}, follow=True)
    html = r.content.decode()
    code = f"{d.code}-KQ1"
    assert f"Đã ký nháy kết quả: {code}-ky-nhay.pdf" in html
    section = html.split('id="signing-initials"')[1].split("</section>")[0]
    assert "đã ký nháy, chờ lãnh đạo ký" in section and "<option value" not in section  # the draft is done
    initialled = d.files.get(name=f"{code}-ky-nhay.pdf")
    svc.forward(world.actor("specialist_a"), d.pk)  # -> 3 approval
    d.refresh_from_db()
    r = client_of("leader_a").post(f"/office/dossiers/{d.pk}/approve/", {
        "approve-version": d.row_version, "approve-document": initialled.pk, "approve-note": "Đồng ý"})
    assert r.status_code == 302, r.content.decode()[:500]
    a = d.approvals.get()
    assert a.document_id == initialled.pk and a.result_code == code and a.signature_status == "signed"
    data = signing.read_file(a.signed_document)
    report = verify.verify_pdf(data, signing_on.trust_roots(), allow_fetching=False)
    assert report.valid and [s.signer for s in report.signatures] == [SPECIALIST, LEADER], report.summary
    assert [s.signer for s in pdfsig_signatures(signing_on, data, tmp_path)] == [SPECIALIST, LEADER]
    assert all(s.valid for s in pdfsig_signatures(signing_on, data, tmp_path))
    public = client.get(f"/results/{code}/").content.decode()
    assert SPECIALIST in public and LEADER in public and "tất cả đều hợp lệ" in public
    api = client.get(f"/api/v1/results/{code}/verification").json()
    assert [s["signer"] for s in api["signatures"]] == [SPECIALIST, LEADER] and api["valid"]


@pytest.mark.django_db
def test_the_section_is_hidden_when_approvals_do_not_sign_in_one_shot(world, clock, client_of,  # noqa: ANN001
                                                                        monkeypatch) -> None:
    monkeypatch.setenv("MOTCUA_SIGNING_ON_APPROVAL", "0")
    d = at_appraisal(world, clock)
    attach_pdf(world, d)
    assert 'id="signing-initials"' not in client_of("specialist_a").get(f"/office/dossiers/{d.pk}/").content.decode()


@pytest.mark.django_db
def test_two_initialled_drafts_get_distinct_codes_and_a_retry_keeps_its_code(world, clock, signing_on) -> None:  # noqa: ANN001, F811
    d = at_appraisal(world, clock)
    first, second = attach_pdf(world, d, name="a.pdf"), attach_pdf(world, d, name="b.pdf")
    assert signing.reserve_result_code(d, first) == signing.reserve_result_code(d, first) == f"{d.code}-KQ1"
    a = svc.initial_result(world.actor("specialist_a"), d.pk, first.pk)
    b = svc.initial_result(world.actor("specialist_a"), d.pk, second.pk)
    assert (a.name, b.name) == (f"{d.code}-KQ1-ky-nhay.pdf", f"{d.code}-KQ2-ky-nhay.pdf")
    svc.forward(world.actor("specialist_a"), d.pk)
    approval = svc.approve(world.actor("leader_a"), d.pk, "Đồng ý", document_id=b.pk)
    assert approval.result_code == f"{d.code}-KQ2"
    # a plain result approved later takes the next free code, not one an initialled draft holds
    assert signing.reserve_result_code(d, attach_pdf(world, d, name="c.pdf")) == f"{d.code}-KQ3"


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("shared_db")
def test_drafts_initialled_at_the_same_instant_never_share_a_code(world, clock, signing_on) -> None:  # noqa: ANN001, F811
    d = at_appraisal(world, clock)
    drafts = [svc.attach_file(world.actor("specialist_a"), d.pk, io.BytesIO(make_result_pdf()), f"{i}.pdf",
                              kind="result") for i in range(4)]
    results = run_together([lambda f=f: svc.initial_result(world.actor("specialist_a"), d.pk, f.pk).name
                            for f in drafts])
    assert all(kind == "ok" for kind, _ in results), results
    names = sorted(name for _, name in results)
    assert names == [f"{d.code}-KQ{n}-ky-nhay.pdf" for n in range(1, 5)]
    assert ResultCode.objects.filter(dossier=d).count() == 4
    # bare reservations, many at once: distinct numbers, no gap
    more = run_together([lambda: signing.reserve_result_code(d) for _ in range(6)])
    assert sorted(int(c.rsplit("KQ", 1)[1]) for _, c in more) == list(range(5, 11))


def test_the_remote_signer_is_known_by_the_staff_members_own_id_number(pki, monkeypatch) -> None:  # noqa: ANN001
    env = {"MOTCUA_SIGNING_PKI_DIR": str(pki.dir), "MOTCUA_REMOTE_SIGNER_USERS": "leader_a:001085000009"}

    def user(name: str, id_number: str | None):  # noqa: ANN202
        profile = SimpleNamespace(id_number=id_number) if id_number is not None else None
        return SimpleNamespace(staff_profile=profile, get_username=lambda: name)

    assert config.remote_user_id(user("leader_a", "079123456789"), env) == "079123456789"  # the profile first
    assert config.remote_user_id(user("leader_a", ""), env) == "001085000009"  # then the demo's mapping
    assert config.remote_user_id("leader_a", env) == "001085000009"
    assert config.remote_user_id(user("someone", None), env) == pki.signers["leader"].id_number  # test PKI (dev)
    monkeypatch.setenv("MOTCUA_ENV", "production")
    assert config.remote_user_id(user("someone", None), env) == ""  # never the test PKI in production
