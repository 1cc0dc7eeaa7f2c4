"""(being written)"""

app_name = "akim"
urlpatterns: list = []
