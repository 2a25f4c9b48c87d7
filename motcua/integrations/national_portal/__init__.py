"""The national public service portal (Cổng Dịch vụ công quốc gia), adapter-gateway protocol
(INTEGRATIONS.md section 1A): ``client`` (interface + HTTP client), ``mapping`` (wire format),
``simulator`` (a real HTTP server with fault switches), ``jobs`` (what the worker runs)."""
