"""The rule sets, as data: what the one-stop rules were on each date (read through motcua.domain.rules).

Sources: /work/shared/DOMAIN.md sections 2, 4, 6 and 8 (the project's reference), the issue's brief, and
the titles the documents app has printed since it was written. Anything the project's sources do not
settle is written here with a note saying so (``unverified``), never silently: a lawyer checking the
gazette text changes one line here, and every page, form, API and report follows.

Changing the rules: add a RuleSet whose ``effective_from`` is the previous one's new ``effective_until``
(the registry is checked contiguous when this module is imported), and a test with dossiers received on
either side of the new date.
"""

from __future__ import annotations

from datetime import date, time

from .rules import CutoffPolicy, Dated, FormSpec, RuleSet, Text, check_rule_sets, check_timeline

DECREE_61_FROM = date(2018, 8, 21)  # Decree 61/2018/ND-CP (23/04/2018), Art. 39: in force from 21/08/2018
# Decree 107/2021/ND-CP (06/12/2021) amended Decree 61; unverified: its effective date is taken as its
# issue date, the project has not checked the gazette text
DECREE_107_FROM = date(2021, 12, 6)
DECREE_118_FROM = date(2025, 7, 1)  # Decree 118/2025/ND-CP (09/06/2025), in force from 01/07/2025 (DOMAIN.md 2)

# DOMAIN.md 6: "15:00 is common (*verify per procedure; keep configurable*)". Neither regime's text as
# the project knows it sets another hour, so both rule sets carry the same default; a province's
# calendar versions (motcua/calendars) override it from their own dates.
CUTOFF = CutoffPolicy(True, time(15, 0), "DOMAIN.md 6 (15:00 common; unverified, configurable per province)")

_TT01 = "tt01-2018"
# Circular 01/2018/TT-VPCP (the brief; DOMAIN.md 4): Mẫu 01-06. Titles as the brief and the documents
# app print them.
FORMS_2018 = {
    "receipt": FormSpec("01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", f"{_TT01}/mau-01"),
    "supplement": FormSpec("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", f"{_TT01}/mau-02"),
    "refusal": FormSpec("03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", f"{_TT01}/mau-03"),
    "book": FormSpec("04", "Sổ theo dõi hồ sơ", f"{_TT01}/mau-04"),
    "apology": FormSpec("05", "Phiếu xin lỗi và hẹn lại ngày trả kết quả", f"{_TT01}/mau-05"),
    "control": FormSpec("06", "Phiếu kiểm soát quá trình giải quyết hồ sơ", f"{_TT01}/mau-06"),
}

_TT03 = "tt03-2025"
_NUMBERING_2025 = ("unverified: numbered in the order of DOMAIN.md 4 (receipt 1, supplement 2, refusal 3, "
                   "apology 4, stop 5 new in 2025, control 6, book 7); not checked against the circular's text")
# Circular 03/2025/TT-VPCP, guiding Decree 118/2025/ND-CP: renumbered forms and the new stop notice.
FORMS_2025 = {
    "receipt": FormSpec("01", "Giấy tiếp nhận hồ sơ và hẹn trả kết quả", f"{_TT03}/mau-01", _NUMBERING_2025),
    "supplement": FormSpec("02", "Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", f"{_TT03}/mau-02", _NUMBERING_2025),
    "refusal": FormSpec("03", "Phiếu từ chối tiếp nhận giải quyết hồ sơ", f"{_TT03}/mau-03", _NUMBERING_2025),
    "apology": FormSpec("04", "Phiếu xin lỗi và hẹn lại ngày trả kết quả", f"{_TT03}/mau-04",
                        _NUMBERING_2025 + "; DOMAIN.md 4 says the 2025 form is an apology and a request to "
                        "extend the time limit, its exact title is not in the project's sources: the 2018 "
                        "title is kept until verified"),
    "stop": FormSpec("05", "Thông báo về việc dừng xử lý hồ sơ", f"{_TT03}/mau-05",
                     _NUMBERING_2025 + "; title as the documents app prints it, unverified"),
    "control": FormSpec("06", "Phiếu kiểm soát quá trình giải quyết hồ sơ", f"{_TT03}/mau-06", _NUMBERING_2025),
    "book": FormSpec("07", "Sổ theo dõi hồ sơ", f"{_TT03}/mau-07", _NUMBERING_2025),
}

_BASIS_TT01 = Text("Ban hành kèm theo Thông tư số 01/2018/TT-VPCP của Văn phòng Chính phủ",
                   "Issued with Circular 01/2018/TT-VPCP of the Government Office")
_BASIS_TT03 = Text("Ban hành kèm theo Thông tư số 03/2025/TT-VPCP của Văn phòng Chính phủ",
                   "Issued with Circular 03/2025/TT-VPCP of the Government Office")
_DECREE_61 = ("Nghị định số 61/2018/NĐ-CP ngày 23/4/2018 của Chính phủ về thực hiện cơ chế một cửa, một cửa "
              "liên thông trong giải quyết thủ tục hành chính")

RULE_SETS: tuple[RuleSet, ...] = (
    RuleSet(
        key="pre-nd61",
        effective_from=None, effective_until=DECREE_61_FROM,
        decree=Text("quy định trước Nghị định 61/2018/NĐ-CP", "the rules before Decree 61/2018/ND-CP"),
        basis=Text("Quyết định số 09/2015/QĐ-TTg của Thủ tướng Chính phủ (Quy chế thực hiện cơ chế một cửa, "
                   "một cửa liên thông), thay thế bởi Nghị định số 61/2018/NĐ-CP từ ngày 21/8/2018",
                   "Decision 09/2015/QD-TTg (the one-stop regulation), replaced by Decree 61/2018/ND-CP "
                   "from 21/08/2018"),
        forms_basis=Text("", ""),
        forms={},  # the project has no source for the forms of that time: printed without a form number
        stop_notice=False,
        cutoff=CUTOFF,
        sources="Decision 09/2015/QD-TTg is not in DOMAIN.md (unverified); kept so every date has rules",
        notes=("Dossiers received before 21/08/2018 (imported history) print without a form number.",),
    ),
    RuleSet(
        key="nd61-2018",
        effective_from=DECREE_61_FROM, effective_until=DECREE_107_FROM,
        decree=Text("Nghị định 61/2018/NĐ-CP", "Decree 61/2018/ND-CP"),
        basis=Text(f"{_DECREE_61}; Thông tư số 01/2018/TT-VPCP của Văn phòng Chính phủ",
                   "Decree 61/2018/ND-CP on the one-stop mechanism; Circular 01/2018/TT-VPCP"),
        forms_basis=_BASIS_TT01,
        forms=FORMS_2018,
        stop_notice=False,  # DOMAIN.md 4: the notice of stopped processing is new in 2025
        cutoff=CUTOFF,
        sources="DOMAIN.md 2 and 4; the brief",
        notes=("Circular 01/2018/TT-VPCP came after the decree's effective date; its forms are applied from "
               "21/08/2018 (a simplification, the project keeps no earlier form set).",),
    ),
    RuleSet(
        key="nd107-2021",
        effective_from=DECREE_107_FROM, effective_until=DECREE_118_FROM,
        decree=Text("Nghị định 61/2018/NĐ-CP (sửa đổi, bổ sung bởi Nghị định 107/2021/NĐ-CP)",
                    "Decree 61/2018/ND-CP (as amended by Decree 107/2021/ND-CP)"),
        basis=Text(f"{_DECREE_61}, được sửa đổi, bổ sung bởi Nghị định số 107/2021/NĐ-CP ngày 06/12/2021 của "
                   "Chính phủ; Thông tư số 01/2018/TT-VPCP của Văn phòng Chính phủ",
                   "Decree 61/2018/ND-CP as amended by Decree 107/2021/ND-CP; Circular 01/2018/TT-VPCP"),
        forms_basis=_BASIS_TT01,
        forms=FORMS_2018,
        stop_notice=False,
        cutoff=CUTOFF,
        sources="DOMAIN.md 2; the brief; Decree 107's effective date unverified (see DECREE_107_FROM)",
    ),
    RuleSet(
        key="nd118-2025",
        effective_from=DECREE_118_FROM, effective_until=None,
        decree=Text("Nghị định 118/2025/NĐ-CP", "Decree 118/2025/ND-CP"),
        basis=Text("Nghị định số 118/2025/NĐ-CP ngày 09/6/2025 của Chính phủ về thực hiện thủ tục hành chính "
                   "theo cơ chế một cửa, một cửa liên thông; Thông tư số 03/2025/TT-VPCP của Văn phòng Chính phủ",
                   "Decree 118/2025/ND-CP (9 June 2025) on the one-stop mechanism; Circular 03/2025/TT-VPCP"),
        forms_basis=_BASIS_TT03,
        forms=FORMS_2025,
        stop_notice=True,
        cutoff=CUTOFF,
        sources="DOMAIN.md 2 and 4; the brief",
        notes=("Public Administration Service Centres at province and commune level; no district level.",),
    ),
)

# The Decision 766 weights (motcua/reports/fixtures/index766_v<version>.json), chosen by a reporting
# period's last day. Only one version is known (DOMAIN.md 8, "as the national portal scores it today").
INDEX766: tuple[Dated[str], ...] = (
    Dated("2025", date(2022, 6, 23), None,
          "Decision 766/QD-TTg (23 June 2022); weights from a third-party reconciliation, unverified (DOMAIN.md 8)"),
)

check_rule_sets(RULE_SETS)
check_timeline([(i.effective_from, i.effective_until) for i in INDEX766], open_start=False)
