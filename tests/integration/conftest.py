"""Fixtures shared by several integration modules."""

# The route x role matrix's shared records (a patient, a therapist, a practice, a request, ...), also used
# by the no-store checks over the same routes.
from tests.integration.test_access import records  # noqa: F401 (a fixture, found by pytest through this module)
