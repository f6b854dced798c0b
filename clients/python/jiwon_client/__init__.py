"""jiwon_client: jiwond from Python (see the README's "Using jiwon from a
portal backend")."""

from .client import Client
from .errors import DOMAIN, FieldViolation, JiwonError

__all__ = ["Client", "DOMAIN", "FieldViolation", "JiwonError"]
