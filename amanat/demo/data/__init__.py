"""The demo's data files: the Atyrau region's places, party units, state bodies and name lists."""
