"""One small WSGI module per benchmarked app.

Each module exposes ``app`` (served by gunicorn as ``bench.apps.<name>:app``) and
``prepare()``, which creates the tables and one signed-in user in the database named by
``BENCH_DATABASE_URL`` and returns the ``Cookie`` header of that user's session.
``python -m bench.apps <name>`` runs ``prepare()`` and prints the result as JSON.
"""
