"""Zalo ZNS (Zalo Notification Service) template messages (INTEGRATIONS.md section 7; issue 11, part 6)."""
