"""Reports API: statistics and the Decision 766 index (see motcua.reports.services)."""

from ninja import Router

router = Router()
