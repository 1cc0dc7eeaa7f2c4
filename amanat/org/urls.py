from amanat.org.views import people, structure

app_name = "org"

urlpatterns = [*structure.urlpatterns, *people.urlpatterns]
