"""Payment pages (placeholder: replaced by its owner, issue 11)."""

app_name = "payment"
urlpatterns: list = []
