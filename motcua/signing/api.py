"""/api/v1/results/: placeholder, replaced by its owner (issue 10)."""

from ninja import Router

router = Router()
