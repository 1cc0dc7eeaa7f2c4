"""Split by area: structure.py (territories, units, maslikhats, state bodies) and people.py (people, members, positions)."""
