"""WSGI entry point; the process's settings module comes from DJANGO_SETTINGS_MODULE."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "lucid_payments.settings.admin")
application = get_wsgi_application()
