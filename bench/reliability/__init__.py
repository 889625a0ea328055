"""The reliability campaign: `python -m bench.reliability [--quick]` (see bench/reliability/README.md)."""
