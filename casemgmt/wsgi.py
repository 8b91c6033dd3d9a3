import os

from django.core.wsgi import get_wsgi_application

from casemgmt import gc_tuning

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "casemgmt.settings.prod")
application = get_wsgi_application()
gc_tuning.tune()
