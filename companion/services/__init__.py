"""The only write path: one function per user action, one transaction each, returning what changed."""
