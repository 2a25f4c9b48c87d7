"""Prefill: proposals from the population record, the e-ID, earlier declarations and the account,
the most authoritative first, each marked with its source; only fields that ask are filled."""

from __future__ import annotations

from datetime import date

from motcua.eforms import shipped
from motcua.eforms.prefill import (
    EidProvider,
    HistoryProvider,
    PopulationProvider,
    Prefill,
    ProfileProvider,
    merge,
    propose,
)
from motcua.integrations.population.mapping import Address, Citizen

PROFILE = ProfileProvider("Nguyễn Thị Hồng Nhung", "068123456789", "0912345678", "nhung@example.vn",
                          "Số 12 Trần Hưng Đạo, Đà Lạt")
EID = EidProvider("Nguyễn Thị Hồng Nhung", "068123456789", date(1995, 4, 2), "female", "Số 12 Trần Hưng Đạo")
CITIZEN = Citizen("068123456789", "Nguyễn", "Thị Hồng", "Nhung", "nữ", date(1995, 4, 2), 1995,
                  Address("68", "24781", "Số 12 Trần Hưng Đạo"), None)
EARLIER = {"requester": {"full_name": "Nguyễn Thị Hồng Nhung", "relation": "Mẹ",
                         "residence": {"province": "68", "commune": "24781", "detail": "Số 12 Trần Hưng Đạo"},
                         "id_document": "Thẻ Căn cước số 068123456789, cấp ngày 10/05/2021"},
           "child": {"full_name": "Trần Minh An"}}


def test_profile_alone_fills_what_the_account_knows() -> None:
    got = propose(shipped.load("khai-sinh"), [PROFILE])
    assert got.data == {"requester": {"full_name": "Nguyễn Thị Hồng Nhung",
                                      "residence": {"detail": "Số 12 Trần Hưng Đạo, Đà Lạt"},
                                      "id_document": "Thẻ Căn cước số 068123456789"}}
    assert got.note("requester.full_name") == "đã điền sẵn từ tài khoản cổng dịch vụ công"
    assert got.note("child.full_name") == ""


def test_an_earlier_declaration_beats_the_profile_and_never_fills_the_child() -> None:
    got = propose(shipped.load("khai-sinh"), [PROFILE, HistoryProvider((EARLIER,))])
    assert got.data["requester"]["residence"] == EARLIER["requester"]["residence"]
    assert got.data["requester"]["id_document"] == EARLIER["requester"]["id_document"]
    assert got.sources["requester.residence"] == "hồ sơ đã nộp trước đây"
    assert "child" not in got.data and "requester.relation" not in got.sources  # no prefill asked


def test_population_record_is_the_most_authoritative() -> None:
    defn = shipped.load("cu-tru-ct01")
    got = propose(defn, [PROFILE, HistoryProvider(()), EidProvider(), PopulationProvider(CITIZEN)])
    assert got.data["declarant"]["birth_date"] == "1995-04-02"
    assert got.data["declarant"]["sex"] == "nu"
    assert got.data["declarant"]["full_name"] == "Nguyễn Thị Hồng Nhung"
    assert got.sources["declarant.birth_date"] == "Cơ sở dữ liệu quốc gia về dân cư"
    assert got.sources["declarant.phone"] == "tài khoản cổng dịch vụ công"  # only the account has it
    land = propose(shipped.load("dang-ky-dat-dai"), [PopulationProvider(CITIZEN), PROFILE])
    assert land.data["holder"]["address"] == {"province": "68", "commune": "24781", "detail": "Số 12 Trần Hưng Đạo"}


def test_eid_claims_fill_birth_date_and_sex() -> None:
    got = propose(shipped.load("ho-kinh-doanh"), [PROFILE, EID])
    assert got.data["owner"]["birth_date"] == "1995-04-02" and got.data["owner"]["sex"] == "nu"
    assert got.sources["owner.sex"] == "tài khoản định danh điện tử VNeID"
    assert got.data["owner"]["email"] == "nhung@example.vn"


def test_what_was_typed_wins_and_loses_its_mark() -> None:
    proposed = Prefill({"requester": {"full_name": "Nguyễn Thị Hồng Nhung", "id_document": "Thẻ Căn cước"}},
                       {"requester.full_name": "tài khoản", "requester.id_document": "tài khoản"})
    data, notes = merge({"requester": {"full_name": "Nguyễn Thị Nhung", "relation": "Mẹ"}}, proposed)
    assert data["requester"] == {"full_name": "Nguyễn Thị Nhung", "id_document": "Thẻ Căn cước", "relation": "Mẹ"}
    assert notes == {"requester.id_document": "đã điền sẵn từ tài khoản"}
