"""Rating a dossier: the overall score (the three levels the reports count), the answers to the
provincial survey's criteria (data: ``fixtures/rating_criteria.json``), and the follow-up a
dissatisfied rating opens for the leader of the handling unit.

The follow-up case is opened in the rating's transaction (``motcua.feedback.services.open_followup``):
a dissatisfied rating never exists without its follow-up, and a failure to open it refuses the
rating (the citizen can send it again) rather than losing the complaint."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from motcua.core import clock

from .choices import Score
from .models import Rating, RatingAnswer, RatingCriterion

FIXTURE = Path(__file__).parent / "fixtures" / "rating_criteria.json"


def load_criteria() -> int:
    """Create or update the shipped criteria (idempotent); an administrator's own ones stay."""
    data = json.loads(FIXTURE.read_text(encoding="utf-8"))
    for c in data["criteria"]:
        RatingCriterion.objects.update_or_create(code=c["code"], defaults={
            "name": c["name"], "name_en": c.get("name_en", ""), "order": c.get("order", 0),
            "levels": c.get("levels", data["levels"]), "source": data["source"][:255]})
    return len(data["criteria"])


def criteria() -> list[RatingCriterion]:
    return list(RatingCriterion.objects.filter(active=True).order_by("order", "code"))


def label(obj: Any, name: str = "name") -> str:
    """The English wording on English pages when there is one."""
    english = obj.get(f"{name}_en") if isinstance(obj, dict) else getattr(obj, f"{name}_en", "")
    if english and (get_language() or "vi").startswith("en"):
        return str(english)
    return str(obj.get(name, "") if isinstance(obj, dict) else getattr(obj, name, ""))


def _answers(asked: list[RatingCriterion], given: dict[str, int]) -> list[RatingAnswer]:
    from .services import Refused

    by_code = {c.code: c for c in asked}
    out = []
    for code, value in given.items():
        c = by_code.get(code)
        if c is None or value not in c.level_values():
            raise Refused(_("Mức đánh giá không hợp lệ."), fields={f"c_{code}": "invalid"})
        level = next(lv for lv in c.levels if int(lv["value"]) == value)
        out.append(RatingAnswer(criterion=c, value=value, level_name=str(level["name"])[:100]))
    return out


def rate(user, dossier_id: int, score: int, comment: str = "",  # noqa: ANN001
         answers: dict[str, int] | None = None) -> Rating:
    """Rate the handling of one's own dossier, once, after the result: the overall score and any of
    the criteria; a dissatisfied score opens the follow-up case in the same transaction."""
    from motcua.feedback import services as feedback

    from .services import RESULT_READY, Refused, my_dossier

    d = my_dossier(user, dossier_id)
    if d.status not in RESULT_READY:
        raise Refused(_("Chỉ đánh giá được sau khi hồ sơ đã có kết quả."))
    if score not in Score.values:
        raise Refused(_("Vui lòng chọn mức độ hài lòng."), fields={"score": "required"})
    rows = _answers(criteria(), {k: v for k, v in (answers or {}).items() if v is not None})
    if Rating.objects.filter(dossier=d).exists():
        raise Refused(_("Hồ sơ này đã được đánh giá."))
    try:
        with transaction.atomic():
            rating = Rating.objects.create(dossier=d, score=score, comment=comment.strip()[:2000],
                                           created_at=clock.now())
            for row in rows:
                row.rating = rating
            RatingAnswer.objects.bulk_create(rows)
            if score == Score.DISSATISFIED:
                feedback.open_followup(rating)
    except IntegrityError as err:  # rated twice at the same moment
        raise Refused(_("Hồ sơ này đã được đánh giá.")) from err
    return rating


def followup_of(rating: Rating | None) -> Any:
    """The follow-up case a dissatisfied rating opened, if any (shown to the applicant)."""
    if rating is None or rating.score != Score.DISSATISFIED:
        return None
    from motcua.feedback.models import Case

    return Case.objects.filter(source_rating_id=rating.pk).select_related("unit").first()
