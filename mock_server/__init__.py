"""eulabel-mock: a local, stateful mock of the EUlabel API."""

from .app import create_app

__all__ = ["create_app"]
