"""The three letters several cities hand out with a result: congratulations with a birth and with
a marriage registration, condolences with a death registration (procedure codes of the national
database, as in the demo catalog)."""

from django.db import migrations

TEMPLATES = [
    {
        "name": "Thư chúc mừng khai sinh",
        "procedure_codes": "1.001193, 1.013021, 1.001695",
        "title": "Thư chúc mừng",
        "body": (
            "Kính gửi: Ông/Bà {ten_nguoi_nhan}\n\n"
            "Nhân dịp gia đình đón chào thành viên mới và hoàn tất thủ tục đăng ký khai sinh ngày {ngay}, "
            "{don_vi} trân trọng gửi tới ông/bà và gia đình lời chúc mừng tốt đẹp nhất.\n\n"
            "Chúc cháu bé luôn khỏe mạnh, bình an, lớn lên trong tình yêu thương của gia đình và sự quan tâm "
            "của cộng đồng, trở thành người con hiếu thảo, người công dân có ích cho quê hương, đất nước.\n\n"
            "Kính chúc ông/bà và gia đình luôn mạnh khỏe, hạnh phúc và an khang."
        ),
        "signer": "TM. Ủy ban nhân dân",
    },
    {
        "name": "Thư chúc mừng kết hôn",
        "procedure_codes": "1.000894, 1.000593",
        "title": "Thư chúc mừng",
        "body": (
            "Kính gửi: Ông/Bà {ten_nguoi_nhan}\n\n"
            "Nhân dịp hai bạn đăng ký kết hôn ngày {ngay}, {don_vi} trân trọng gửi tới hai bạn và gia đình "
            "hai bên lời chúc mừng tốt đẹp nhất.\n\n"
            "Chúc hai bạn trăm năm hạnh phúc, luôn yêu thương, tôn trọng và đồng hành cùng nhau xây dựng "
            "gia đình no ấm, bình đẳng, tiến bộ, hạnh phúc và văn minh.\n\n"
            "Kính chúc hai bạn và gia đình luôn mạnh khỏe, hạnh phúc."
        ),
        "signer": "TM. Ủy ban nhân dân",
    },
    {
        "name": "Thư chia buồn",
        "procedure_codes": "1.000656",
        "title": "Thư chia buồn",
        "body": (
            "Kính gửi: Ông/Bà {ten_nguoi_nhan} và gia quyến\n\n"
            "Được tin gia đình có người thân qua đời, {don_vi} xin gửi tới ông/bà và toàn thể gia quyến "
            "lời chia buồn sâu sắc nhất.\n\n"
            "Sự ra đi của người thân là mất mát lớn lao đối với gia đình. Mong ông/bà và gia đình sớm vượt "
            "qua nỗi đau, giữ gìn sức khỏe. Chính quyền địa phương luôn sẵn sàng hỗ trợ gia đình trong các "
            "thủ tục cần thiết.\n\n"
            "Xin thành kính chia buồn cùng gia đình."
        ),
        "signer": "TM. Ủy ban nhân dân",
    },
]


def seed(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    for t in TEMPLATES:
        LetterTemplate.objects.update_or_create(name=t["name"], defaults=t)


def unseed(apps, schema_editor):
    LetterTemplate = apps.get_model("letters", "LetterTemplate")
    LetterTemplate.objects.filter(name__in=[t["name"] for t in TEMPLATES]).delete()


class Migration(migrations.Migration):
    dependencies = [("letters", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
