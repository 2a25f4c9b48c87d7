"""SMS brandname (INTEGRATIONS.md section 7): two carriers, one JSON and one SOAP-like XML, picked by
number prefix (issue 11, part 6)."""
