"""The only code that touches SQLite and the keyring."""
