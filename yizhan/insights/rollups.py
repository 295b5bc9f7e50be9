"""Rolled-up figures per region (``Rollup`` rows): how they are computed, kept up to date and rebuilt.

*Model.* One row per ``(region, period, key)``: a figure such as ``coverage.operating`` of every region (village,
town, county, city, province), summed up the region tree. ``period`` is ``""`` for a state figure (how things stand
now, e.g. coverage) and a period such as ``"2026-11"`` for counts per month (activities, cases … later): a new figure
is a new key, not a new table. Pages read a region's row and its children's rows (one indexed query), so a province
costs what a town costs.

*Maintenance.* The insights app listens to Django's model signals (``pre_save`` / ``post_save`` / ``post_delete``)
of the rows coverage depends on — stations, studios, rollout plans, villages — connected in ``InsightsConfig.ready``;
the lower apps (regions, stations, mediation) know nothing of it and import nothing from here. The signals run inside
the writing service's transaction: the village's figures are recomputed from its own rows (a few queries on one
village), and the difference from the stored village rows is added to every ancestor with ``F()`` updates, rows
locked in a fixed order (village, then ancestors by id), so two writes that race (two stations of one town saved at
once) both land and never deadlock. What model signals cannot see — ``QuerySet.update()``, ``bulk_create()`` — is
rebuilt when the writer says so (``yizhan.core.signals.bulk_written``, sent by the region import), and the figures
that move with the calendar (an overdue target date) or any drift are fixed by ``rebuild()``: ``manage.py
refresh_rollups`` and the daily job ``insights.refresh_rollups``.

*Extending (activities, cases, ratings).* Counts per period: call ``add(region_code, {key: delta}, period=…)`` from a
receiver of the records' signals (it adds to the region and its ancestors); state figures: add the keys to a
``village_figures``-like function and to ``rebuild``.
"""

from collections import defaultdict
from collections.abc import Iterable

from django.db import connection, transaction
from django.db.models import F
from django.db.models.signals import post_delete, post_save, pre_delete, pre_save
from django.utils import timezone

from yizhan.core.signals import bulk_written
from yizhan.mediation.models import Studio
from yizhan.regions.models import Region
from yizhan.stations.models import Station, Status

from .models import CoveragePlan, Rollup

STATE = ""  # the period of a state figure (how things stand now)

# Coverage of villages: every village counts once in ``villages`` and once in exactly one of operating / building /
# planned / targeted / not_started (its best station: selectors.VillageCoverage.category); ``overdue`` (a target date
# passed without an operating station) and ``studios`` (an operating studio) are counted besides.
VILLAGES = "coverage.villages"
OPERATING = "coverage.operating"
BUILDING = "coverage.building"
PLANNED = "coverage.planned"
TARGETED = "coverage.targeted"
NOT_STARTED = "coverage.not_started"
OVERDUE = "coverage.overdue"
STUDIOS = "coverage.studios"
COVERAGE = (VILLAGES, OPERATING, BUILDING, PLANNED, TARGETED, NOT_STARTED, OVERDUE, STUDIOS)

_RANK: dict[str, int] = {
    Status.OPERATING: 0,
    Status.SUSPENDED: 1,
    Status.UNDER_CONSTRUCTION: 2,
    Status.PLANNED: 3,
    Status.CLOSED: 4,
}

Figures = dict[str, int]


def village_figures(station_statuses: Iterable[str], studio_statuses: Iterable[str], station_target, today) -> Figures:
    """The coverage figures of one village (each 0 or 1)."""
    statuses = list(station_statuses)
    best = min(statuses, key=lambda s: _RANK[s], default="")
    operating = Status.OPERATING in statuses
    if operating:
        category = OPERATING
    elif best == Status.UNDER_CONSTRUCTION:
        category = BUILDING
    elif best == Status.PLANNED:
        category = PLANNED
    elif station_target:
        category = TARGETED
    else:
        category = NOT_STARTED
    figures = dict.fromkeys(COVERAGE, 0)
    figures[VILLAGES] = 1
    figures[category] = 1
    figures[OVERDUE] = int(bool(station_target and station_target < today and not operating))
    figures[STUDIOS] = int(Status.OPERATING in set(studio_statuses))
    return figures


def village_coverage(village_ids: Iterable[int] | None = None) -> dict[int, Figures]:
    """Coverage figures of these villages (every village when None), straight from the stations, studios and plans:
    four queries whatever the number."""
    # unscoped: rollups are the whole tree's figures; the reader's scope applies when they are read
    villages = Region.all_objects.filter(level=Region.Level.VILLAGE)
    stations = Station.all_objects.all()  # unscoped: as above
    studios = Studio.all_objects.all()  # unscoped: as above
    plans = CoveragePlan.all_objects.all()  # unscoped: as above
    if village_ids is not None:
        ids = list(village_ids)
        villages, stations = villages.filter(pk__in=ids), stations.filter(region_id__in=ids)
        studios, plans = studios.filter(region_id__in=ids), plans.filter(region_id__in=ids)
    station_statuses: dict[int, list[str]] = defaultdict(list)
    studio_statuses: dict[int, list[str]] = defaultdict(list)
    for region_id, status in stations.values_list("region_id", "status"):
        station_statuses[region_id].append(status)
    for region_id, status in studios.values_list("region_id", "status"):
        studio_statuses[region_id].append(status)
    targets = dict(plans.values_list("region_id", "station_target"))
    today = timezone.localdate()
    return {
        pk: village_figures(station_statuses[pk], studio_statuses[pk], targets.get(pk), today)
        for pk in villages.values_list("pk", flat=True)
    }


# --- incremental maintenance ---------------------------------------------------------------------------------


def _ensure_rows(region_ids: Iterable[int], keys: Iterable[str], period: str) -> None:
    rows = [Rollup(region_id=pk, key=key, period=period, value=0) for pk in region_ids for key in keys]
    # unscoped: system bookkeeping (no row is shown)
    Rollup.all_objects.bulk_create(rows, ignore_conflicts=True)


def _apply(deltas: dict[int, Figures], period: str) -> None:
    """Add ``{region id: {key: delta}}`` with F() updates: rows created if missing, locked by id first."""
    deltas = {pk: {k: d for k, d in figures.items() if d} for pk, figures in deltas.items()}
    deltas = {pk: figures for pk, figures in deltas.items() if figures}
    if not deltas:
        return
    keys = sorted({key for figures in deltas.values() for key in figures})
    _ensure_rows(deltas, keys, period)
    rows = Rollup.all_objects.filter(region_id__in=list(deltas), period=period, key__in=keys)  # unscoped: as above
    list(rows.select_for_update().order_by("pk").values_list("pk", flat=True))  # lock in one order: no deadlock
    by_change: dict[tuple[str, int], list[int]] = defaultdict(list)
    for pk, figures in deltas.items():
        for key, delta in figures.items():
            by_change[(key, delta)].append(pk)
    for (key, delta), region_ids in sorted(by_change.items()):
        rows.filter(region_id__in=region_ids, key=key).update(value=F("value") + delta)


def _ancestor_ids(codes: Iterable[str]) -> dict[str, list[int]]:
    """{region code: ids of its ancestors} (one query)."""
    chains = {code: Region(code=code).ancestor_codes() for code in codes}
    wanted = {c for chain in chains.values() for c in chain}
    # unscoped: the ancestors' ids, to file their figures
    ids = dict(Region.all_objects.filter(code__in=wanted).values_list("code", "pk"))
    return {code: [ids[c] for c in chain if c in ids] for code, chain in chains.items()}


def add(region_code: str, deltas: Figures, *, period: str = STATE) -> None:
    """Add counts to a region and all its ancestors (for per-period counts: an activity held, a case closed …)."""
    with transaction.atomic():
        ancestors = _ancestor_ids([region_code])[region_code]
        # unscoped: the region's id, to file its figures
        own = Region.all_objects.filter(code=region_code).values_list("pk", flat=True).first()
        _apply({pk: dict(deltas) for pk in [*ancestors, *([own] if own else [])]}, period)


def refresh_villages(village_ids: Iterable[int | None]) -> None:
    """Recompute these villages' coverage from their rows and add the differences to their ancestors."""
    ids = sorted({pk for pk in village_ids if pk})
    if not ids:
        return
    with transaction.atomic():
        # unscoped: system bookkeeping
        codes = dict(Region.all_objects.filter(pk__in=ids, level=Region.Level.VILLAGE).values_list("pk", "code"))
        if not codes:
            return
        _ensure_rows(codes, COVERAGE, STATE)
        rows = Rollup.all_objects.filter(region_id__in=list(codes), period=STATE, key__in=COVERAGE)  # unscoped
        stored: dict[int, Figures] = defaultdict(dict)
        # Locking the village's rows first serialises two writes to one village; counting after the lock sees the
        # other's committed rows (READ COMMITTED), so neither difference is lost.
        for region_id, key, value in rows.select_for_update().order_by("pk").values_list("region_id", "key", "value"):
            stored[region_id][key] = value
        fresh = village_coverage(codes)
        village_changes: dict[tuple[str, int], list[int]] = defaultdict(list)
        ancestor_deltas: dict[int, Figures] = defaultdict(lambda: defaultdict(int))
        ancestors = _ancestor_ids(codes.values())
        for pk, figures in fresh.items():
            for key, value in figures.items():
                delta = value - stored[pk].get(key, 0)
                if delta:
                    village_changes[(key, value)].append(pk)
                    for ancestor in ancestors[codes[pk]]:
                        ancestor_deltas[ancestor][key] += delta
        for (key, value), region_ids in sorted(village_changes.items()):
            rows.filter(region_id__in=region_ids, key=key).update(value=value)
        _apply(ancestor_deltas, STATE)


def forget_village(village: Region) -> None:
    """A village is being deleted: take its figures off its ancestors (its own rows go with it)."""
    with transaction.atomic():
        # unscoped: system bookkeeping
        stored = dict(
            Rollup.all_objects.filter(region=village, period=STATE, key__in=COVERAGE).values_list("key", "value")
        )
        ancestors = _ancestor_ids([village.code])[village.code]
        _apply({pk: {key: -value for key, value in stored.items()} for pk in ancestors}, STATE)


# --- the full rebuild ----------------------------------------------------------------------------------------


def rebuild() -> int:
    """Recompute every region's coverage figures from the rows and fix the stored ones that differ (drift from bulk
    writes, target dates that passed). Returns how many rows were corrected or added."""
    with transaction.atomic():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # writers wait until the rebuild is written (no lost update)
                cursor.execute(f'LOCK TABLE "{Rollup._meta.db_table}" IN SHARE ROW EXCLUSIVE MODE')
        # unscoped: the whole tree
        regions = list(Region.all_objects.values_list("pk", "code"))
        ids = dict((code, pk) for pk, code in regions)
        wanted: dict[int, Figures] = {pk: dict.fromkeys(COVERAGE, 0) for pk, _code in regions}
        codes = {pk: code for pk, code in regions}
        for pk, figures in village_coverage().items():
            targets = [pk, *(ids[c] for c in Region(code=codes[pk]).ancestor_codes() if c in ids)]
            for target in targets:
                sums = wanted[target]
                for key, value in figures.items():
                    sums[key] += value
        rows = Rollup.all_objects.filter(period=STATE, key__in=COVERAGE)  # unscoped: as above
        stored = {(r.region_id, r.key): r for r in rows.only("pk", "region_id", "key", "value")}
        to_create: list[Rollup] = []
        to_update: list[Rollup] = []
        for pk, wanted_figures in wanted.items():
            for key, value in wanted_figures.items():
                row = stored.get((pk, key))
                if row is None and value:  # a missing row counts 0
                    to_create.append(Rollup(region_id=pk, key=key, period=STATE, value=value))
                elif row is not None and row.value != value:
                    row.value = value
                    to_update.append(row)
        Rollup.all_objects.bulk_create(to_create, batch_size=2000)
        Rollup.all_objects.bulk_update(to_update, ["value"], batch_size=2000)
    return len(to_create) + len(to_update)


def refresh_rollups() -> int:
    """The daily job (settings.DAILY_JOBS["insights.refresh_rollups"])."""
    return rebuild()


# --- the signal receivers (connected in InsightsConfig.ready) -------------------------------------------------


# The fields coverage depends on, per model: a save that changes none of them costs no recompute.
_TRACKED = {
    Station: ("region_id", "status"),
    Studio: ("region_id", "status"),
    CoveragePlan: ("region_id", "station_target"),
}
_UNCHANGED = object()


def _tracked(sender, update_fields) -> tuple[str, ...]:
    fields = _TRACKED[sender]
    if update_fields is None:
        return fields
    named = {"region_id" if f == "region" else f for f in update_fields}
    return tuple(f for f in fields if f in named)


def _remember_before(sender, instance, raw=False, update_fields=None, **kwargs) -> None:
    """Before a save, what the tracked fields held (the place may be moving to another village)."""
    fields = _tracked(sender, update_fields)
    if raw or instance._state.adding or not fields:
        instance._rollup_before = _UNCHANGED if fields == () else None
        return
    # unscoped: the row as stored, to compare
    instance._rollup_before = sender.all_objects.filter(pk=instance.pk).values_list(*fields).first()


def _place_saved(sender, instance, raw=False, created=False, update_fields=None, **kwargs) -> None:
    if raw:
        return
    before = getattr(instance, "_rollup_before", None)
    if before is _UNCHANGED:
        return
    fields = _tracked(sender, update_fields)
    after = tuple(getattr(instance, f) for f in fields)
    if not created and before == after:
        return  # an edit of other fields (the address, the opening hours …)
    old_region = before[0] if before and fields and fields[0] == "region_id" else None
    refresh_villages([instance.region_id, old_region])


def _place_deleted(sender, instance, **kwargs) -> None:
    refresh_villages([instance.region_id])


def _region_saved(sender, instance, created=False, raw=False, **kwargs) -> None:
    if created and not raw and instance.level == Region.Level.VILLAGE:
        refresh_villages([instance.pk])


def _region_deleting(sender, instance, **kwargs) -> None:
    if instance.level == Region.Level.VILLAGE:
        forget_village(instance)


def _bulk_written(sender, **kwargs) -> None:
    if sender in (Region, Station, Studio, CoveragePlan):
        rebuild()


def connect() -> None:
    bulk_written.connect(_bulk_written, dispatch_uid="yizhan.insights.rollups.bulk_written")

    for model in (Station, Studio):
        uid = f"yizhan.insights.rollups.{model._meta.label_lower}"
        pre_save.connect(_remember_before, sender=model, dispatch_uid=f"{uid}.pre_save")
        post_save.connect(_place_saved, sender=model, dispatch_uid=f"{uid}.post_save")
        post_delete.connect(_place_deleted, sender=model, dispatch_uid=f"{uid}.post_delete")
    pre_save.connect(_remember_before, sender=CoveragePlan, dispatch_uid="yizhan.insights.rollups.plan.pre_save")
    post_save.connect(_place_saved, sender=CoveragePlan, dispatch_uid="yizhan.insights.rollups.plan.post_save")
    post_delete.connect(_place_deleted, sender=CoveragePlan, dispatch_uid="yizhan.insights.rollups.plan.post_delete")
    post_save.connect(_region_saved, sender=Region, dispatch_uid="yizhan.insights.rollups.region.post_save")
    pre_delete.connect(_region_deleting, sender=Region, dispatch_uid="yizhan.insights.rollups.region.pre_delete")
