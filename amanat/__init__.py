"""The working system of a regional branch of the party Amanat."""

__version__ = "0.1.0"
