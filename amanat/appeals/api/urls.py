"""/api/v1/ routes of the appeals app."""

urlpatterns: list = []
