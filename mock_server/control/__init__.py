"""The mock-only control plane under /_mock: sessions, reset, clock, request journal, fault rules."""

CONTROL_PREFIX = "/_mock/"
