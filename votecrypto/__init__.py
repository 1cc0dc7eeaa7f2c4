"""Cryptography of Amanat's intra-party elections, and the verifier observers run.

Standalone: imports nothing from Django or from the `amanat` package, so an observer can install
and run it alone. Formats: docs/elections-protocol.md; design: ELECTIONS.md.
"""
