"""PySide6 lives only here: windows, pages, Qt models, the background-work helper."""
