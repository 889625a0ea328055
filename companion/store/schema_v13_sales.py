"""Schema v13, the sale part: nothing yet."""

SALES = """
"""
