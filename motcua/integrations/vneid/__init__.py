"""The national e-ID sign-in (VNeID through the portal's SSO, INTEGRATIONS.md section 4)."""
