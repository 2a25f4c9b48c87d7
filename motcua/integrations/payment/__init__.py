"""The national online payment platform of the portal (INTEGRATIONS.md section 2; issue 11, parts 2-4)."""
