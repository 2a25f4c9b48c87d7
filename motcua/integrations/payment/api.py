"""/api/v1/payments/: placeholder, replaced by its owner (issue 11)."""

from ninja import Router

router = Router()
