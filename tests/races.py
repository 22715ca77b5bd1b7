"""What the tests of races share: they run on PostgreSQL only (SQLite takes one writer at a time, so
there is no race to check), and each commits for real (the `committed_roles` fixture)."""

import pytest
from django.db import connection

POSTGRES_ONLY = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason=f"needs PostgreSQL: {connection.vendor} runs one write at a time, so there is no race to check "
        "(DATABASE_URL=postgres://…)",
    ),
]
