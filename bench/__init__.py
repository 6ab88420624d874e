"""Benchmarks of flask-betterauth's hot path against a bare route and its peers.

Run on demand with ``python3 bench/run.py``; never part of CI.
"""
