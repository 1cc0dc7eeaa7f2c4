"""Writes of the projects module: projects and KPIs, events, shifts and results, volunteers."""
