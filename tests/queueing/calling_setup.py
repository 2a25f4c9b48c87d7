"""A commune centre's queue for the calling tests: two service groups, three counters, a counter of
another unit, and the frozen working morning."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from motcua.queueing.models import Counter, ServiceGroup


@dataclass
class Queue:
    unit: Any
    a: ServiceGroup
    b: ServiceGroup
    c1: Counter  # serves A and B
    c2: Counter  # serves A
    c3: Counter  # serves B
    other: Counter  # commune B's centre


def build_queue(world: Any) -> Queue:  # noqa: ANN401
    unit = world.commune_centres["a"]
    a = ServiceGroup.objects.create(unit=unit, letter="A", name="Hộ tịch, chứng thực", position=0)
    b = ServiceGroup.objects.create(unit=unit, letter="B", name="Đất đai", position=1)
    c1 = Counter.objects.create(unit=unit, number=1)
    c1.groups.add(a, b)
    c2 = Counter.objects.create(unit=unit, number=2)
    c2.groups.add(a)
    c3 = Counter.objects.create(unit=unit, number=3)
    c3.groups.add(b)
    other_unit = world.commune_centres["b"]
    ga = ServiceGroup.objects.create(unit=other_unit, letter="A", name="Hộ tịch")
    other = Counter.objects.create(unit=other_unit, number=1)
    other.groups.add(ga)
    return Queue(unit, a, b, c1, c2, c3, other)
