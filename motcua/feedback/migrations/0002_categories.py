"""The shipped feedback categories (fixtures/categories.json); administrators may add their own."""

import json
from pathlib import Path

from django.db import migrations

FIELDS = (("name", ""), ("name_en", ""), ("kind", "feedback"), ("subject", "other"), ("group", ""),
          ("keywords", ""), ("attributes", []), ("publish", True), ("internal", False), ("order", 0),
          ("description", ""))


def load(apps, schema_editor):  # noqa: ANN001, ANN201
    Category = apps.get_model("feedback", "Category")
    path = Path(__file__).resolve().parent.parent / "fixtures" / "categories.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    for c in data["categories"]:
        Category.objects.update_or_create(code=c["code"], defaults={k: c.get(k, d) for k, d in FIELDS})


class Migration(migrations.Migration):
    dependencies = [("feedback", "0001_cases")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
