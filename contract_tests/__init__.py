"""A contract suite that checks the EUlabel mock, or any deployment, against the documented behaviour.

Run ``pytest contract_tests`` (in-process mock) or ``pytest contract_tests --base-url URL``.
"""
