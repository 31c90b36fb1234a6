"""One setting: its option, its environment variable, how a value is checked, and its app key."""

from __future__ import annotations

from dataclasses import dataclass

from .values import Convert

ENV_PREFIX = "EULABEL_MOCK_"


@dataclass(frozen=True)
class Setting:
    """One setting: its option name, how a value is checked, and the app config key it fills."""

    name: str  # the option without its dashes, e.g. "revocation-delay"
    convert: Convert  # text or a Python value -> the value used; ValueError says why not
    about: str  # what it does; ``help`` adds the default
    metavar: str | None = None
    app_key: str | None = None  # None: a setting of the server, not of the app
    switch: bool = False  # an on/off option that takes no value on the command line
    default: str | None = None  # the default as --help and docs/options.md both say it
    secret: bool = False  # never shown, not even in the error that refuses it

    @property
    def option(self) -> str:
        return "--" + self.name

    @property
    def env(self) -> str:
        return ENV_PREFIX + self.name.upper().replace("-", "_")

    @property
    def help(self) -> str:
        return f"{self.about} (default: {self.default})" if self.default else self.about
