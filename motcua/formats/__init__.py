"""Django FORMAT_MODULE_PATH: how dates, times and numbers are entered and shown per language."""
