"""Notifications to applicants and staff (issue 11, part 6): e-mail, SMS brandname, Zalo ZNS."""
