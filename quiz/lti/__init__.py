"""ConvQuiz as an LTI 1.3 Advantage tool: launches from an LMS course, deep linking, grades back, rosters.

The protocol is django-lti's (registrations, deployments, the tool's keys, the JWKS) on top of
PyLTI1p3 (the OIDC login, the id_token's validation, the services); ConvQuiz adds what a launch
means here: who the user is, which quiz opens, and where the grade goes. See docs/lti.md.
"""
