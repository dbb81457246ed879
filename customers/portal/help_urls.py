"""The help center: the public knowledge base in the portal, and article suggestions."""

urlpatterns: list = []
