"""Fees on the dossier: the fee lines from the catalog version, collection at the counter (cash, printed receipt)
and the stage guard (issue 11, part 1)."""
