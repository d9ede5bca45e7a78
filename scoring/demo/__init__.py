"""Demo data for the portal: Thanh Xuân's organisation, accounts and yearly criteria frameworks.

The content is plain Python data so the seed command, the README and the tests share one source.
Loaded by `manage.py seed_demo`.
"""
