"""The job backbone: a transactional outbox delivered by django-tasks' database worker.

``enqueue()`` writes the message in the caller's transaction; ``motcua worker`` delivers it
through the handler registered for its destination (``registry``), in order per ordering key,
with retries, backoff and dead letters (``outbox``). Periodic jobs (``periodic``) run in the
same worker. Administrators see and act on it in the Django admin ("Hàng đợi gửi đi").
"""
