import json

from django.core.management.base import BaseCommand, CommandError

from quiz.lti.platforms import RegistrationError, register_platform
from quiz.lti.tool import endpoints


class Command(BaseCommand):
    help = (
        "Registers an LMS (an LTI 1.3 platform) with one deployment, or updates it; prints ConvQuiz's URLs to give "
        "the LMS as one JSON object of site-relative paths."
    )

    def add_arguments(self, parser):
        parser.add_argument("--issuer", required=True, help="the platform's issuer (iss), e.g. https://moodle.example.edu")
        parser.add_argument("--client-id", required=True, help="the client ID the platform gave ConvQuiz")
        parser.add_argument("--deployment-id", required=True, help="the deployment ID the platform gave ConvQuiz")
        parser.add_argument("--auth-login-url", required=True, help="the platform's OIDC authentication URL")
        parser.add_argument("--access-token-url", required=True, help="the platform's OAuth2 access token URL")
        parser.add_argument("--keyset-url", required=True, help="the platform's public keyset (JWKS) URL")

    def handle(self, *args, **options):
        try:
            register_platform(
                issuer=options["issuer"], client_id=options["client_id"], deployment_id=options["deployment_id"],
                auth_login_url=options["auth_login_url"], access_token_url=options["access_token_url"],
                keyset_url=options["keyset_url"],
            )
        except RegistrationError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(json.dumps(endpoints().__dict__))
