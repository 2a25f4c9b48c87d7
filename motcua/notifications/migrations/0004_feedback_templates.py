"""The shipped templates of the new kind (feedback), where the database has none of them."""

from django.db import migrations


def install(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001
    from motcua.notifications.defaults import install as install_defaults

    install_defaults(apps.get_model("notifications", "Template"))


def uninstall(apps, schema_editor):  # noqa: ANN001, ANN201, ARG001
    """Backwards: 0003's reverse brings back a kind constraint without ``feedback``."""
    apps.get_model("notifications", "Template").objects.filter(kind="feedback").delete()


class Migration(migrations.Migration):
    dependencies = [("notifications", "0003_feedback_kind")]
    operations = [migrations.RunPython(install, uninstall)]
