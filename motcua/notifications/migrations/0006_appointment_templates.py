"""The shipped templates of the new kind (an appointment's confirmation), where the database has none."""

from django.db import migrations


def install(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001
    from motcua.notifications.defaults import install as install_defaults

    install_defaults(apps.get_model("notifications", "Template"))


def uninstall(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001
    """Backwards: 0005's reverse brings back a kind constraint without ``appointment``."""
    apps.get_model("notifications", "Template").objects.filter(kind="appointment").delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0005_appointment_kind")]
    operations = [migrations.RunPython(install, uninstall)]
