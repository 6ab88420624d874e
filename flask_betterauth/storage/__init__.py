"""Storage: the narrow adapter the endpoints use, over Flask-SQLAlchemy."""

from .base import Adapter as Adapter
from .base import ConflictError as ConflictError
from .base import Op as Op
from .base import WriteRefused as WriteRefused
from .sqlalchemy import SQLAlchemyAdapter as SQLAlchemyAdapter

__all__ = ["Adapter", "ConflictError", "Op", "WriteRefused", "SQLAlchemyAdapter"]
