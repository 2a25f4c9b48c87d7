"""``motcua reorganize``: a reorganization from a JSON file or flags; ``--dry-run`` prints the preview,
``--schedule`` leaves it to the job on its effective date, otherwise it is applied now.

    motcua reorganize --file merge.json --dry-run
    motcua reorganize --kind merge --sources 000.31.10.H39,000.32.10.H39 --target 000.32.10.H39 \\
        --decision-number 1656/NQ-UBTVQH15 --decision-date 16/06/2025 --issuer "UBTVQH" --effective-on 01/07/2025
    motcua reorganize --kind rename --unit 000.31.10.H39 --name "Phường A" ...
    motcua reorganize --kind move --unit 000.31.10.H39 --parent 68 ...

The JSON file holds {"kind", "decision_number", "decision_date", "issuer", "effective_on", "spec"}
(dates dd/mm/yyyy or yyyy-mm-dd; spec as in motcua/units/reorganize.py).
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from motcua.domain.errors import DomainError


def parse_date(text: Any) -> date | None:
    if isinstance(text, date):
        return text
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(str(text or "").strip(), fmt).date()
        except ValueError:
            continue
    return None


def spec_from_flags(kind: str, o: dict[str, Any]) -> dict[str, Any]:
    sources = [c.strip() for c in (o.get("sources") or "").split(",") if c.strip()]
    if kind in ("merge", "merge_provinces"):
        spec: dict[str, Any] = {"sources": sources}
        if o.get("new_target"):
            code, name, unit_kind, parent = ([*o["new_target"].split(":", 3), "", "", ""])[:4]
            spec["target"] = {"code": code, "name": name, "kind": unit_kind, "parent_code": parent}
        else:
            spec["target_code"] = o.get("target")
        return spec
    if kind == "dissolve":
        return {"unit": o.get("unit")}
    if kind == "rename":
        return {"unit": o.get("unit"), "name": o.get("name")}
    if kind == "move":
        return {"unit": o.get("unit"), "parent_code": o.get("parent")}
    raise CommandError("A split is given as a JSON file (--file).")


class Command(BaseCommand):
    help = "Reorganize units (merge, split, dissolve, rename, move, merge provinces): preview, apply or schedule."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--file", help="JSON file with the decision and the spec")
        parser.add_argument("--kind", choices=["merge", "split", "dissolve", "rename", "move", "merge_provinces"])
        parser.add_argument("--decision-number")
        parser.add_argument("--decision-date")
        parser.add_argument("--issuer")
        parser.add_argument("--effective-on")
        parser.add_argument("--sources", help="codes, comma-separated (merge)")
        parser.add_argument("--target", help="existing target unit code (merge)")
        parser.add_argument("--new-target", help="new target unit code:name:kind:parent_code (merge)")
        parser.add_argument("--unit", help="unit code (dissolve, rename, move)")
        parser.add_argument("--name", help="new name (rename)")
        parser.add_argument("--parent", help="new parent unit code (move)")
        parser.add_argument("--dry-run", action="store_true", help="print what would move, change nothing")
        parser.add_argument("--schedule", action="store_true", help="apply on the effective date (the job)")

    def handle(self, *args: Any, **o: Any) -> None:
        from motcua.units import reorganize
        from motcua.units.models import Reorganization

        doc = self._document(o)
        r = Reorganization(kind=doc.get("kind") or "", decision_number=str(doc.get("decision_number") or ""),
                           decision_date=parse_date(doc.get("decision_date")), issuer=str(doc.get("issuer") or ""),
                           effective_on=parse_date(doc.get("effective_on")), spec=doc.get("spec") or {})
        try:
            plan = reorganize.preview(r)
            for line in plan.lines:
                self.stdout.write(line)
            if o["dry_run"]:
                self.stdout.write(json.dumps(plan.counts, sort_keys=True))
                self.stdout.write("dry run: nothing changed")
                return
            if o["schedule"]:
                reorganize.schedule(r)
                self.stdout.write(f"scheduled #{r.pk} for {r.effective_on:%d/%m/%Y}")
                return
            summary = reorganize.apply(r)
        except DomainError as exc:
            fields = "; ".join(f"{k}: {v}" for k, v in sorted(exc.fields.items()))
            raise CommandError(f"{exc.message} {fields}".strip()) from exc
        self.stdout.write(json.dumps(summary["counts"], sort_keys=True))
        self.stdout.write(f"applied #{r.pk}")

    def _document(self, o: dict[str, Any]) -> dict[str, Any]:
        if o.get("file"):
            try:
                doc = json.loads(Path(o["file"]).read_text(encoding="utf-8"))
            except (OSError, ValueError) as exc:
                raise CommandError(f"cannot read {o['file']}: {exc}") from exc
            if not isinstance(doc, dict):
                raise CommandError("the file must hold a JSON object")
            return doc
        if not o.get("kind"):
            raise CommandError("give --file or --kind with its flags")
        return {"kind": o["kind"], "decision_number": o.get("decision_number"), "issuer": o.get("issuer"),
                "decision_date": o.get("decision_date"), "effective_on": o.get("effective_on"),
                "spec": spec_from_flags(o["kind"], o)}
