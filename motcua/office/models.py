"""The office has no models of its own: failed sign-ins are django-axes' (see motcua/office/auth.py)."""
