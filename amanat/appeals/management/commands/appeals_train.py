"""`amanat appeals-train`: learn the category suggestion from the appeals already categorised."""

from __future__ import annotations

from argparse import ArgumentParser
from typing import Any

from django.core.management.base import BaseCommand, CommandError

from amanat.appeals import classifier


class Command(BaseCommand):
    help = (
        "Train the category suggestion on the latest appeals that have a category and save it "
        "(VAR_DIR/appeals-classifier.joblib). The daily sweep does the same when the model is a day old."
    )

    def add_arguments(self, parser: ArgumentParser) -> None:
        parser.add_argument(
            "--limit",
            type=int,
            default=classifier.TRAIN_LIMIT,
            help="Learn from at most this many of the latest categorised appeals (default %(default)s).",
        )
        parser.add_argument(
            "--min",
            type=int,
            default=classifier.MIN_APPEALS,
            dest="min_appeals",
            help="Do nothing with fewer categorised appeals than this (default %(default)s).",
        )

    def handle(self, *args: Any, limit: int, min_appeals: int, **options: Any) -> None:
        if limit < 1:
            raise CommandError("--limit must be at least 1.")
        result = classifier.train(limit=limit, min_appeals=max(min_appeals, 2))
        if result is None:
            raise CommandError(
                f"Too little to learn from: at least {min_appeals} appeals in two or more categories are needed."
            )
        self.stdout.write(
            f"Trained on {result.size} appeals in {result.categories} categories "
            f"in {result.seconds:.1f} s; saved to {result.path}."
        )
