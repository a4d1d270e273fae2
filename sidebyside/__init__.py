"""The side-by-side harness: both apps as real servers, one client per app, the scenario
catalogue, and its renderers (terminal demo, markdown parity matrix).

Standard library only (plus `rich` for the demo), so it runs in either environment; the
parity suite and the demo run it from .venv-v2 and start each app with its own venv.
"""
