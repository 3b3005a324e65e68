"""The development stack runner behind ``manage.py up`` (``make up``).

services.py   the processes and their ports (no Django import: gunicorn_conf uses it)
processes.py  how each child is launched: argv and environment
supervisor.py starts, watches, restarts with backoff and stops the children
health.py     polls /health/live
bootstrap.py  development credentials: superuser, demo client and API key
banner.py     what the newcomer sees once everything answers
runner.py     the order of it all
"""
