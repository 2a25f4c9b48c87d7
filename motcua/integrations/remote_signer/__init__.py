"""A remote signing service (INTEGRATIONS.md section 5): the interface and HTTP client (client.py),
the wire format (mapping.py) and a simulator with fault switches (simulator.py)."""
