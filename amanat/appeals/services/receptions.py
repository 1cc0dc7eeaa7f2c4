"""Receptions, hours, slots and bookings. OWNED BY HELPER A."""
