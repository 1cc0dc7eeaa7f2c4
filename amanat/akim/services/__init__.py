"""Writes of the akim campaigns module: campaigns and nominees, events, candidates, outcomes."""
