from django.apps import AppConfig
from django.db.models.signals import post_delete, post_migrate, post_save


class ProgramsConfig(AppConfig):
    name = "programs"

    def ready(self):
        from programs.scorecard import CATALOG_MODELS, forget_catalog

        for model in CATALOG_MODELS:
            post_save.connect(forget_catalog, sender=model, dispatch_uid=f"catalog-{model}")
            post_delete.connect(forget_catalog, sender=model, dispatch_uid=f"catalog-del-{model}")
        # Data migrations write the catalog without signals.
        post_migrate.connect(forget_catalog, dispatch_uid="catalog-migrate")
