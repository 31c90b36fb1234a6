"""A correct EUlabel server written from the docs alone, outside ``mock_server``, with a switch for every
freedom the docs leave (``switches``). The self-test runs the contract suite against each switch alone and
against seeded random combinations: a check that fails on any of them proves nothing about a broken server."""
