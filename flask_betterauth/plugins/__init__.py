"""Plugins: the public interface (:mod:`.base`) and the plugins that ship with the package."""

from .base import Plugin as Plugin
from .open_api import open_api as open_api

__all__ = ["Plugin", "open_api"]
