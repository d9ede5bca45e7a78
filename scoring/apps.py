from django.apps import AppConfig
from django.db.models.signals import post_migrate


class ScoringConfig(AppConfig):
    name = "scoring"

    def ready(self) -> None:
        from scoring.results import versions

        # After every migrate: a migration that rebuilds a watched table (SQLite does) drops its trigger.
        post_migrate.connect(versions.install, sender=self, dispatch_uid="scoring.results.versions.install")
