"""Portable backup of the portfolio: every record, its history and the users, as a zip of
JSON files (one per model, Django's serialisation format) with a manifest.

`export_portfolio` reads in one transaction so the files agree with one another.
`import_portfolio` restores into an empty database (after `migrate`), all in one
transaction: a file that fails half-way leaves the database as it was. The database-level
backup (`pg_dump`) is described in docs/backup.md; this one survives a change of database
engine or version.
"""

import io
import json
import zipfile
from dataclasses import dataclass

from django.apps import apps
from django.core import serializers
from django.db import transaction

from cmo_portal import __version__
from cmo_portal.roles import DOMAIN_APPS

FORMAT_VERSION = 1
# Besides the domain apps: the people, their groups and API tokens.
EXTRA_MODELS = ("auth.User", "authtoken.Token", "axes.AccessAttempt")


class BackupError(Exception):
    """The backup file cannot be restored here; the message says why."""


@dataclass
class BackupSummary:
    counts: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def backed_up_models() -> list:
    models = [apps.get_model(label) for label in EXTRA_MODELS if _installed(label)]
    for app_label in DOMAIN_APPS:
        if apps.is_installed(app_label):
            models.extend(apps.get_app_config(app_label).get_models())
    # Parents before children, so a restore never meets a dangling reference.
    return serializers.sort_dependencies([(None, models)], allow_cycles=True)


def _installed(label: str) -> bool:
    try:
        apps.get_model(label)
    except LookupError:
        return False
    return True


def _label(model) -> str:
    return model._meta.label_lower


def export_portfolio(target, progress=None) -> BackupSummary:
    """Write the backup zip to `target` (a path or a binary file object)."""
    counts = {}
    models = backed_up_models()
    with (
        transaction.atomic(),
        zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive,
    ):
        for model in models:
            queryset = model._default_manager.order_by("pk")
            data = serializers.serialize(
                "json", queryset.iterator(chunk_size=2000), use_natural_foreign_keys=True
            )
            archive.writestr(f"{_label(model)}.json", data)
            counts[_label(model)] = queryset.count()
            if progress:
                progress(model, counts[_label(model)])
        manifest = {
            "format": FORMAT_VERSION,
            "portal_version": __version__,
            "order": [_label(m) for m in models],
            "counts": counts,
        }
        archive.writestr("manifest.json", json.dumps(manifest, indent=2))
    return BackupSummary(counts)


@transaction.atomic
def import_portfolio(source, progress=None) -> BackupSummary:
    """Restore a backup zip into an empty portfolio; all or nothing."""
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise BackupError("This is not a CMO Portal backup (not a zip file).") from exc
    with archive:
        try:
            manifest = json.loads(archive.read("manifest.json"))
        except KeyError as exc:
            raise BackupError("This zip has no manifest.json: not a CMO Portal backup.") from exc
        if manifest.get("format") != FORMAT_VERSION:
            raise BackupError(f"Backup format {manifest.get('format')} is not supported.")
        occupied = [
            _label(m)
            for m in backed_up_models()
            if m._meta.app_label in DOMAIN_APPS and m._default_manager.exists()
        ]
        if occupied:
            raise BackupError(
                "The portfolio is not empty (" + ", ".join(occupied[:5]) + "…); "
                "restore into a freshly migrated database."
            )
        counts = {}
        for label in manifest["order"]:
            try:
                data = archive.read(f"{label}.json")
            except KeyError as exc:
                raise BackupError(f"The backup lacks {label}.json listed in its manifest.") from exc
            objects = list(
                serializers.deserialize("json", io.BytesIO(data), handle_forward_references=True)
            )
            for obj in objects:
                # The backup carries the history; restoring must not add to it.
                obj.object.skip_history_when_saving = True
                obj.save()
            counts[label] = len(objects)
            if progress:
                progress(label, counts[label])
        expected = manifest["counts"]
        if counts != {k: expected[k] for k in counts}:
            raise BackupError("The restored counts differ from the manifest; nothing was restored.")
    return BackupSummary(counts)
