"""The practice marketplace: a local HTTP server that speaks every registered channel's platform API (each
channel brings its routes as a PracticeChannel, see plugin.py) for demos and tests."""
