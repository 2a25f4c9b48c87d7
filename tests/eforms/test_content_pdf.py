"""The printed declaration and the results drawn from it, read back from the PDF."""

from __future__ import annotations

from datetime import date

from motcua.documents.layout import Issuer
from motcua.domain.eforms import validate
from motcua.eforms import shipped
from motcua.eforms.pdf import Paper, render_declaration
from motcua.eforms.results import TEMPLATES, Registration, date_words, number_words, render_result
from tests.documents.conftest import Pdf

TODAY = date(2026, 12, 3)
UNITS = {"provinces": {"68": "Tỉnh Lâm Đồng"}, "communes": {"24781": ("68", "Phường Xuân Hương - Đà Lạt")}}
CONTEXT = {"received_date": TODAY, "units": UNITS}
HOME = {"province": "68", "commune": "24781", "detail": "Số 12 đường Trần Hưng Đạo"}
BIRTH = {
    "requester": {"full_name": "Nguyễn Thị Hồng Nhung", "residence": HOME, "relation": "Mẹ",
                  "id_document": "Thẻ Căn cước số 068123456789"},
    "child": {"full_name": "Trần Nguyễn Minh Khôi", "birth_date": "20/11/2026", "sex": "nam", "ethnicity": "01",
              "nationality": "Việt Nam", "birth_place": {**HOME, "detail": "Bệnh viện Đa khoa tỉnh Lâm Đồng"}},
    "mother": {"full_name": "Nguyễn Thị Hồng Nhung", "birth_year": "1995", "ethnicity": "01",
               "nationality": "Việt Nam", "residence": HOME},
    "father": {"full_name": "Trần Đức Thắng", "birth_year": "1993", "ethnicity": "01", "nationality": "Việt Nam"},
    "request": {"copies_requested": "on", "copies": "2"},
}


def _birth() -> tuple[dict, dict]:
    defn = shipped.load("khai-sinh")
    cleaned, errors = validate(defn, BIRTH, today=TODAY, context=CONTEXT)
    assert errors == {}
    return defn, cleaned


def test_birth_declaration_prints_the_declared_values_in_vietnamese() -> None:
    defn, data = _birth()
    paper = Paper(addressee="Ủy ban nhân dân phường Xuân Hương - Đà Lạt", place="Đà Lạt", on=TODAY,
                  signer="Nguyễn Thị Hồng Nhung", reference="H68.01-261203-0001", context=CONTEXT)
    pdf = Pdf(render_declaration(defn, data, paper))
    assert pdf.pages == 1
    assert pdf.missing(
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "TỜ KHAI ĐĂNG KÝ KHAI SINH",
        "Kính gửi: Ủy ban nhân dân phường Xuân Hương - Đà Lạt",
        "Họ, chữ đệm, tên người yêu cầu: Nguyễn Thị Hồng Nhung",
        "Nơi cư trú: Số 12 đường Trần Hưng Đạo, Phường Xuân Hương - Đà Lạt, Tỉnh Lâm Đồng",
        "Đề nghị cơ quan đăng ký khai sinh cho người dưới đây:", "Họ, chữ đệm, tên: Trần Nguyễn Minh Khôi",
        "Ngày, tháng, năm sinh: 20/11/2026", "Giới tính: Nam", "Dân tộc: Kinh", "Quốc tịch: Việt Nam",
        "Nơi sinh: Bệnh viện Đa khoa tỉnh Lâm Đồng", "Họ, chữ đệm, tên người cha: Trần Đức Thắng", "Năm sinh: 1993",
        "Số lượng: 2", "Tôi cam đoan nội dung đề nghị đăng ký khai sinh trên đây là đúng sự thật",
        "Làm tại: Đà Lạt, ngày 03 tháng 12 năm 2026", "NGƯỜI YÊU CẦU", "Mã hồ sơ: H68.01-261203-0001") == []
    text = pdf.text
    assert text.index("Trần Nguyễn Minh Khôi") < text.index("Trần Đức Thắng")  # the form's order


def test_unfilled_fields_keep_their_dotted_line_and_hidden_ones_are_not_printed() -> None:
    defn, data = _birth()
    data["request"] = {"copies_requested": False}
    pdf = Pdf(render_declaration(defn, data))
    assert pdf.missing("Quê quán:", "Đề nghị cấp bản sao: Không", "Kính gửi: ……") == []
    assert "Số lượng" not in pdf.text  # shown only when copies are asked for


def test_marriage_declaration_prints_the_two_sides_as_columns() -> None:
    defn = shipped.load("ket-hon")
    side = {"birth_date": "1998-04-02", "ethnicity": "01", "nationality": "Việt Nam", "residence": HOME,
            "id_document": "Thẻ Căn cước", "marriage_number": "1"}
    data, errors = validate(defn, {"bride": {**side, "full_name": "Lê Thị Mai"},
                                   "groom": {**side, "full_name": "Phạm Văn Đức", "birth_date": "1996-07-09"}},
                            today=TODAY, context=CONTEXT)
    assert errors == {}
    pdf = Pdf(render_declaration(defn, data, Paper(signer="Lê Thị Mai|Phạm Văn Đức", context=CONTEXT)))
    assert pdf.missing("TỜ KHAI ĐĂNG KÝ KẾT HÔN", "Thông tin", "Bên nữ", "Bên nam", "Lê Thị Mai", "Phạm Văn Đức",
                       "02/04/1998", "09/07/1996", "Kết hôn lần thứ mấy", "BÊN NỮ", "BÊN NAM") == []
    text = pdf.text
    assert text.index("Lê Thị Mai") < text.index("Phạm Văn Đức")


def test_a_group_prints_as_a_table_with_one_row_per_item() -> None:
    defn = shipped.load("ho-kinh-doanh")
    data = {"owner": {"full_name": "NGUYỄN VĂN AN", "birth_date": "1985-01-01", "sex": "nam",
                      "nationality": "Việt Nam", "ethnicity": "01", "id_number": "068085000123"},
            "business": {"name": "HỘ KINH DOANH CÀ PHÊ ĐỒI THÔNG", "address": HOME, "capital": "150000000",
                         "lines": [{"name": "Dịch vụ phục vụ đồ uống", "code": "5630", "main": "on"},
                                   {"name": "Bán lẻ thực phẩm", "code": "4722"}]}}
    cleaned, errors = validate(defn, data, today=TODAY, context=CONTEXT)
    assert errors == {}
    pdf = Pdf(render_declaration(defn, cleaned, Paper(context=CONTEXT)))
    assert pdf.missing("GIẤY ĐỀ NGHỊ ĐĂNG KÝ HỘ KINH DOANH", "HỘ KINH DOANH CÀ PHÊ ĐỒI THÔNG", "Tên ngành",
                       "Mã ngành", "Dịch vụ phục vụ đồ uống", "5630", "Bán lẻ thực phẩm", "4722",
                       "CHỦ HỘ KINH DOANH") == []
    assert "Danh sách thành viên hộ gia đình" not in pdf.text  # the group's condition is not met


def test_numbers_and_dates_in_words() -> None:
    assert [number_words(n) for n in (5, 15, 21, 105, 2005, 2026)] == [
        "năm", "mười lăm", "hai mươi mốt", "một trăm linh năm", "hai nghìn không trăm linh năm",
        "hai nghìn không trăm hai mươi sáu"]
    assert date_words(date(2026, 11, 20)) == "Ngày hai mươi tháng mười một năm hai nghìn không trăm hai mươi sáu"


def test_birth_extract_is_drawn_from_the_declaration() -> None:
    defn, data = _birth()
    issuer = Issuer("Tỉnh Lâm Đồng", "Ủy ban nhân dân phường Xuân Hương - Đà Lạt", "Số: …/TLKS", "Đà Lạt", None)
    pdf = Pdf(render_result(TEMPLATES["khai-sinh"], defn, data, Registration(issuer, TODAY, "Lê Văn Cán",
                                                                              "Phạm Thị Lãnh"), CONTEXT))
    assert pdf.missing("TRÍCH LỤC KHAI SINH", "ỦY BAN NHÂN DÂN PHƯỜNG XUÂN HƯƠNG - ĐÀ LẠT",
                       "Họ, chữ đệm, tên: Trần Nguyễn Minh Khôi", "Ngày, tháng, năm sinh: 20/11/2026",
                       "Ghi bằng chữ: Ngày hai mươi tháng mười một năm hai nghìn không trăm hai mươi sáu",
                       "Giới tính: Nam", "Dân tộc: Kinh",
                       "Nơi sinh: Bệnh viện Đa khoa tỉnh Lâm Đồng, Phường Xuân Hương - Đà Lạt, Tỉnh Lâm Đồng",
                       "Họ, chữ đệm, tên người mẹ: Nguyễn Thị Hồng Nhung", "Họ, chữ đệm, tên người cha: Trần Đức Thắng",
                       "Ngày, tháng, năm đăng ký: 03/12/2026", "Phạm Thị Lãnh") == []


def test_every_result_template_reads_paths_its_form_has() -> None:
    from motcua.domain.eforms import field_index

    for key, template in TEMPLATES.items():
        index = field_index(shipped.load(key))
        for label, getter in template.rows:
            cell = getter.__closure__[0].cell_contents  # the path the row reads
            assert cell in index, (key, label, cell)
