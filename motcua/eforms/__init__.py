"""E-forms: declaration forms as data (motcua/domain/eforms.py), declarations with dossiers."""
