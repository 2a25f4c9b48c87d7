"""/api/v1/integrations/national-portal/: placeholder, replaced by its owner (issue 9)."""

from ninja import Router

router = Router()
