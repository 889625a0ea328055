"""Schema v13, the inbox part: nothing yet."""

INBOX = """
"""
