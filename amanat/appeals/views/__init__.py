"""Appeals views. Staff: inbox (lists), intake (staff form, coupon), appeal (the appeal page and its
steps), routing (categories, rules, policies, suggestion), receptions (offices, hours, bookings).
Public: public (form, tracking, rating, statistics), booking (reception hours for citizens)."""
