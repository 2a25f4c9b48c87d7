"""Digitization at the counter (Circular 01/2023): components scanned and marked digitized, results digitized on
return, and the digitization figures (issue 10, parts 5 and 8)."""
