"""A citizen's (or enterprise's) document store: digitized components and electronic results, with their type,
issuer and validity, reused in new dossiers (issue 10, part 6)."""
