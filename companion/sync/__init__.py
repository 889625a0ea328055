"""The marketplace sync engine (no Qt): tokens, listings, orders and stock pushes for every linked shop.

`SyncEngine.sync_once()` runs one round on the calling thread; `SyncRunner` runs rounds on its own thread.
"""
