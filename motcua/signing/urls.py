"""Public pages of electronic results (placeholder: replaced by its owner, issue 10)."""

app_name = "signing"
urlpatterns: list = []
