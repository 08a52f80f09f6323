"""Load the theme vocabulary and the outlets from fixtures/ into the database.

Idempotent: creates what is missing and adds missing aliases; never removes or
renames what editors changed in the admin.
"""

from django.core.management.base import BaseCommand

from articles.services import vocabulary_load


class Command(BaseCommand):
    help = "Load themes (aliases too) and outlets from fixtures/; idempotent."

    def handle(self, *args, **options):
        counts = vocabulary_load()
        if options["verbosity"] >= 1:
            self.stdout.write(
                self.style.SUCCESS(
                    "Vocabulary: {themes_created} theme(s) and {outlets_created} outlet(s) "
                    "created, {aliases_added} alias(es) added.".format(**counts)
                )
            )
