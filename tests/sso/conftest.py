from tests.sso.identity_provider import idp  # noqa: F401
