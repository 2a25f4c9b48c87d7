"""Outside systems, one package each with the same files (STYLE.md "Outside systems"):
``client.py`` (the interface and the real client), ``mapping.py`` (motcua data to the wire format
and back, pure functions), ``simulator.py`` (a real HTTP server with fault switches) and
``jobs.py`` (what the worker runs). Messages leave only through the outbox (``motcua.jobs``)."""
