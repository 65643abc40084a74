"""The database foundation: declarative base, naming conventions, engines and sessions."""

from storage.base import Base, UTCDateTime, utcnow
from storage.engine import Database, create_database

__all__ = ["Base", "Database", "UTCDateTime", "create_database", "utcnow"]
