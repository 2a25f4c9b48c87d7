from django.db import migrations, models


def leader_steps_approve(apps, schema_editor):
    """The leader's steps of the existing processes are their approval (signing) steps."""
    ProcessStep = apps.get_model("catalog", "ProcessStep")
    ProcessStep.objects.filter(role="leader").update(approval=True)


class Migration(migrations.Migration):

    dependencies = [
        ("catalog", "0002_applicant_types_blank"),
    ]

    operations = [
        migrations.AddField(
            model_name="processstep",
            name="required",
            field=models.BooleanField(default=True, help_text="Hồ sơ phải qua bước này trước khi hoàn thành xử lý.",
                                      verbose_name="bắt buộc"),
        ),
        migrations.AddField(
            model_name="processstep",
            name="approval",
            field=models.BooleanField(default=False, help_text="Lãnh đạo phê duyệt (ký) kết quả ở bước này; chỉ việc "
                                      "phê duyệt chuyển hồ sơ sang bước sau.", verbose_name="bước phê duyệt, ký"),
        ),
        migrations.AddField(
            model_name="processstep",
            name="produces_document",
            field=models.BooleanField(default=False, help_text="Phải đính kèm tệp ở bước này trước khi chuyển tiếp.",
                                      verbose_name="phải có văn bản"),
        ),
        migrations.RunPython(leader_steps_approve, migrations.RunPython.noop),
    ]
