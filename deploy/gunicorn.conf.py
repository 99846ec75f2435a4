"""gunicorn settings for the portal (scripts/deploy_local.sh, and a starting point for servers).

Threads suit this portal: most time is spent waiting on PostgreSQL, and WeasyPrint's long
renders run in the background worker (manage.py db_worker), not in the web processes.
"""
import os

wsgi_app = "platform_portal.wsgi:application"
workers = int(os.environ.get("GUNICORN_WORKERS", "2"))
worker_class = "gthread"
threads = int(os.environ.get("GUNICORN_THREADS", "4"))
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "60"))
graceful_timeout = 30
max_requests = 2000  # recycle workers now and then, against slow leaks
max_requests_jitter = 200
accesslog = os.environ.get("GUNICORN_ACCESS_LOG", "-")
errorlog = "-"
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
