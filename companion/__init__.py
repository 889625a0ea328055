"""Seller Companion: the shop's own offline record of sales and stock."""

__version__ = "0.1.0"
