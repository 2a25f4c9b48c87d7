"""motcua issue_token USER NAME: create an API token for another system (shown once)."""

from django.contrib.auth import get_user_model
from django.core.management import BaseCommand, CommandError

from motcua.core.models import ApiToken


class Command(BaseCommand):
    help = "Issue an API bearer token for a user (service account). The token is printed once."

    def add_arguments(self, parser):  # noqa: ANN001, ANN201
        parser.add_argument("username")
        parser.add_argument("name", help="the system that will use the token")

    def handle(self, *args, **opts):  # noqa: ANN002, ANN003, ANN201
        user = get_user_model().objects.filter(username=opts["username"]).first()
        if user is None:
            raise CommandError("unknown user")
        _, raw = ApiToken.issue(user, opts["name"])
        self.stdout.write(raw)
