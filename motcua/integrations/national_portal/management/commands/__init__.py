def _portal_client():  # noqa: ANN202
    from django.core.management import CommandError

    from ...jobs import portal

    client = portal()
    if client is None:
        raise CommandError("MOTCUA_NATIONAL_PORTAL_URL is not set: the integration is off")
    return client
