"""The shipped templates (defaults.json), where the database has none of their kind, channel and language."""

from django.db import migrations


def install(apps, schema_editor):  # noqa: ANN001, ANN201
    from motcua.notifications.defaults import install as install_defaults

    install_defaults(apps.get_model("notifications", "Template"))


class Migration(migrations.Migration):
    dependencies = [("notifications", "0001_initial")]
    operations = [migrations.RunPython(install, migrations.RunPython.noop)]
