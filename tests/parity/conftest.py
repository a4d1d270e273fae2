"""The parity suite uses the live-server fixtures of tests/live.py."""
