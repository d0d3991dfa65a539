import gc
import os
from importlib import import_module

from django.conf import settings
from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "partnerportal.settings")
application = get_wsgi_application()

# What is loaded by now (apps, models, the URLconf and every view module) lives as long as
# the process. Frozen, it is left out of the collector's full passes, which otherwise scan
# ~150,000 such objects (about 50 ms, stalling a request) every hundred or so requests.
import_module(settings.ROOT_URLCONF)
gc.freeze()
