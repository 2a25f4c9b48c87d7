"""Signals of the digitization app.

``component_digitized`` is sent after the transaction that digitized a dossier component commits
(``transaction.on_commit``), with ``component`` (the :class:`~motcua.dossiers.models.DossierComponent`,
its ``digitized_at`` / ``digitized_by`` set) and ``file`` (the :class:`~motcua.dossiers.models.DossierFile`
that is its digitized copy). The citizen's document store (motcua/docstore) listens to it to keep
the document. It is sent once per commit that digitized the component or attached a new scan to it;
re-marking an already digitized component with the same file sends nothing.
"""

from __future__ import annotations

import django.dispatch

component_digitized = django.dispatch.Signal()
