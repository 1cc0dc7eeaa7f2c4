"""Writes of the appeals app: one function per use case (see STYLE.md)."""
