"""Citizen feedback and complaints (PAKN) with working-time deadlines, and ratings that follow up (issue 12)."""
