"""What the test modules share: clients, served processes, browsers, environments, catalogues.

Test modules import from here and never from one another (tests/test_suite_layout.py checks it).
"""
