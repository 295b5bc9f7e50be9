"""The province-scale data set of issue 12, built through the models (``manage.py generate_scale_data``).

On top of whatever the database holds (normally the 瓜沥镇 demo), for the towns of one province (or any code prefix):

- the real towns from the shared division data, imported with ``regions_import`` (skipped when already there);
- synthetic villages and communities under every town that has none yet (town code + 3 digits, "XX村"/"XX社区");
  towns that already have villages — the demo's 瓜沥镇 — are left as they are, so a town admin's own scope holds the
  same data at town and at province scale and only the tables around it grow;
- one station per new village (mostly operating, some planned or under construction), with two rooms and two brand
  items when operating; studios sharing operating stations; rollout plans for some villages without a station;
- residents with real encrypted name-adjacent fields (ID number, mobile, address: ``EncryptedField`` encrypts in
  ``get_prep_value`` and ``BlindIndexField`` hashes in ``pre_save``, both run by ``bulk_create``), target-group
  memberships, visit plans per town, visits and due visits (some overdue);
- audit rows spread over the new regions and the past year; activities of some stations; mediation cases.

Deterministic for a given ``seed`` (and day). Writes with bulk inserts and no audit rows of its own beyond the region
import's: it is a measuring instrument, not a user. Call inside ``scopes_disabled()``. Re-running is a no-op: the
villages are the marker (a town with villages gets no new ones, and nothing else is added when no village was).
"""

from __future__ import annotations

import csv
import random
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from pathlib import Path
from time import perf_counter

from django.conf import settings
from django.db import connection, transaction
from django.utils import timezone

from yizhan.accounts.models import User
from yizhan.activities.models import Activity, ActivityStatus, Audience
from yizhan.audit.models import AuditLog
from yizhan.core.masking import mask
from yizhan.core.signals import bulk_written
from yizhan.insights.models import CoveragePlan
from yizhan.mediation.models import Case, CaseNumberCounter, DisputeType, Studio
from yizhan.people.models import Person, ScheduledVisit, TargetGroup, TargetGroupMembership, Visit, VisitPlan
from yizhan.people.validators import make_resident_id
from yizhan.regions.models import Region
from yizhan.regions.services import regions_import
from yizhan.stations.models import BrandItem, Room, RoomType, ServiceLine, Station, Status

DEFAULT_DIVISIONS = Path(settings.BASE_DIR).parent / "shared" / "data" / "divisions"
BATCH = 2000
GENERATOR_USERNAME = "scale_data"

SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘蒋蔡余杜叶程魏苏吕丁沈"
GIVEN_F = "丽芳敏静婷秀英桂玉兰美华晓燕海雪梅佳怡欣雨涵梓诗琪慧萍红霞娟琳"
GIVEN_M = "伟强磊军勇杰涛明超建国平浩然子轩宇航俊志"
PLACE_1 = "东南西北上下新老前后大小金银石青白红黄长高龙凤山水溪塘湖桥沙竹松梅花"
PLACE_2 = "家店园坞岙坑湾头桥塘岭溪庄港墩桥山林埠浦口田垟"
FINDINGS = ["家中整洁，生活基本正常", "孩子学习压力大", "经济困难，希望就业帮扶", "独居，需定期上门", "情绪低落"]
PLAN_GROUPS = (
    "left_behind_children",
    "single_mothers",
    "empty_nest_elderly_women",
    "children_in_difficulty",
    "women_in_hardship",
)
ACTIVITY_TITLES = ["家庭教育讲座", "妇女健康讲座", "亲子阅读", "手工编织", "电商培训", "法律咨询日", "心理沙龙"]


@dataclass
class Options:
    province: str = "33"
    villages_per_town: int = 14
    people: int = 200_000
    visits: int = 40_000
    audit: int = 200_000
    studios: int = 1_000
    cases: int = 2_000
    activities: int = 6_000
    towns: int = 0  # 0: every town under the prefix; N: the first N (by code) — for tests and quick runs
    seed: int = 1
    divisions: Path = DEFAULT_DIVISIONS


@dataclass
class Report:
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def lines(self) -> list[str]:
        out = [f"{name}: {count:,} in {self.seconds.get(name, 0):.1f}s" for name, count in self.counts.items()]
        out.append(f"total {sum(self.seconds.values()):.1f}s")
        return out


class _Step:
    def __init__(self, report: Report, name: str, log):
        self.report, self.name, self.log = report, name, log

    def __enter__(self):
        self.started = perf_counter()
        return self

    def __exit__(self, *exc):
        self.report.seconds[self.name] = perf_counter() - self.started
        if exc[0] is None and self.log:
            count = self.report.counts.get(self.name)
            done = f"{count:,} " if count is not None else ""
            self.log(f"{self.name}: {done}({self.report.seconds[self.name]:.1f}s)")


def _batches(items, size=BATCH):
    for start in range(0, len(items), size):
        yield items[start : start + size]


class Builder:
    def __init__(self, options: Options, log=None):
        self.o = options
        self.rng = random.Random(options.seed)  # noqa: S311 - reproducible synthetic data, not a secret
        self.report = Report()
        self.log = log
        self.today = timezone.localdate()
        self.now = timezone.now()

    def step(self, name: str) -> _Step:
        return _Step(self.report, name, self.log)

    # --- regions -------------------------------------------------------------------------------------------------

    def import_towns(self) -> list[Region]:
        prefix = self.o.province
        with self.step("towns"):
            in_db = Region.all_objects.filter(level=Region.Level.TOWN, code__startswith=prefix)
            if in_db.count() < self._towns_in_file():  # else imported already: skip the import
                result = regions_import(directory=self.o.divisions, only_prefix=prefix)
                if result.errors:
                    raise RuntimeError("; ".join(result.errors[:5]))
            towns = list(in_db.order_by("code"))
            if self.o.towns:
                towns = towns[: self.o.towns]
            self.report.counts["towns"] = len(towns)
        return towns

    def _towns_in_file(self) -> int:
        path = Path(self.o.divisions) / "streets.csv"
        if not path.exists():
            raise RuntimeError(f"No division data at {self.o.divisions} (streets.csv).")
        with path.open(encoding="utf-8-sig", newline="") as handle:
            return sum(1 for row in csv.DictReader(handle) if row["code"].startswith(self.o.province))

    def make_villages(self, towns: list[Region]) -> list[Region]:
        with self.step("villages"):
            have = set(
                Region.all_objects.filter(level=Region.Level.VILLAGE, parent__in=towns).values_list(
                    "parent_id", flat=True
                )
            )
            villages = []
            for town in towns:
                if town.pk in have:
                    continue
                street = town.name.endswith("街道")
                names: set[str] = set()
                for number in range(1, self.o.villages_per_town + 1):
                    community = street or self.rng.random() < 0.15
                    while True:
                        name = self.rng.choice(PLACE_1) + self.rng.choice(PLACE_2) + ("社区" if community else "村")
                        if name not in names:
                            break
                    names.add(name)
                    villages.append(
                        Region(code=f"{town.code}{number:03d}", name=name, level=Region.Level.VILLAGE, parent=town)
                    )
            for batch in _batches(villages):
                Region.all_objects.bulk_create(batch)
            if villages and villages[0].pk is None:  # backends that do not return ids
                by_code = dict(Region.all_objects.filter(code__in=[v.code for v in villages]).values_list("code", "pk"))
                for village in villages:
                    village.pk = by_code[village.code]
            self.report.counts["villages"] = len(villages)
        return villages

    # --- places --------------------------------------------------------------------------------------------------

    def make_stations(self, villages: list[Region]) -> list[Station]:
        with self.step("stations"):
            stations = []
            for village in villages:
                roll = self.rng.random()
                status = Status.OPERATING if roll < 0.8 else Status.UNDER_CONSTRUCTION if roll < 0.9 else Status.PLANNED
                opened = self.today - timedelta(days=self.rng.randint(30, 1500))
                stations.append(
                    Station(
                        region=village,
                        name=f"{village.name}妇女儿童驿站",
                        address=f"{village.name}文化礼堂",
                        status=status,
                        status_since=opened,
                        opened_on=opened if status == Status.OPERATING else None,
                        is_public=status == Status.OPERATING,
                        floor_area=self.rng.randint(60, 400),
                    )
                )
            for batch in _batches(stations):
                Station.all_objects.bulk_create(batch)
            self._fill_ids(Station, stations, lambda s: (s.region_id, s.name), ["region_id", "name"])
            operating = [s for s in stations if s.status == Status.OPERATING]
            room_types = list(RoomType.objects.order_by("pk")[:2])
            lines = list(ServiceLine.objects.order_by("pk")[:2])
            rooms, items = [], []
            for station in operating:
                for n, room_type in enumerate(room_types):
                    rooms.append(
                        Room(
                            station=station,
                            room_type=room_type,
                            name=room_type.name_zh,
                            area=30,
                            capacity=30,
                            sort_order=n,
                        )
                    )
                for n, name in enumerate(("融智", "友·共建")):
                    items.append(BrandItem(station=station, name=name, sort_order=n))
            for batch in _batches(rooms):
                Room.all_objects.bulk_create(batch)
            for batch in _batches(items):
                BrandItem.all_objects.bulk_create(batch)
            if lines:
                self._fill_ids(BrandItem, items, lambda i: (i.station_id, i.name), ["station_id", "name"])
                through = BrandItem.service_lines.through
                links = [
                    through(branditem_id=i.pk, serviceline_id=lines[n % len(lines)].pk) for n, i in enumerate(items)
                ]
                for batch in _batches(links):
                    through.objects.bulk_create(batch)
            self.report.counts["stations"] = len(stations)
            self.report.counts["rooms + brand items"] = len(rooms) + len(items)
        return stations

    def _fill_ids(self, model, objects, key, fields):
        """Ids for objects bulk-created on a backend that does not return them (looked up by a unique key)."""
        missing = [o for o in objects if o.pk is None]
        if not missing:
            return
        region_ids = {getattr(o, fields[0]) for o in missing}
        found = {
            tuple(row[:-1]): row[-1]
            for row in model.all_objects.filter(**{f"{fields[0]}__in": region_ids}).values_list(*fields, "pk")
        }
        for obj in missing:
            obj.pk = found[key(obj)]

    def make_studios(self, stations: list[Station]) -> list[Studio]:
        with self.step("studios"):
            operating = [s for s in stations if s.status == Status.OPERATING]
            chosen = self.rng.sample(operating, min(self.o.studios, len(operating)))
            studios = [
                Studio(
                    region_id=s.region_id,
                    name=f"{s.name.removesuffix('妇女儿童驿站')}婚姻家庭纠纷调解工作室",
                    status=Status.OPERATING,
                    is_public=True,
                    opened_on=s.opened_on,
                    status_since=s.opened_on,
                    shared_station=s,
                )
                for s in sorted(chosen, key=lambda s: s.region_id)
            ]
            for batch in _batches(studios):
                Studio.all_objects.bulk_create(batch)
            self._fill_ids(Studio, studios, lambda s: (s.region_id, s.name), ["region_id", "name"])
            self.report.counts["studios"] = len(studios)
        return studios

    def make_coverage_plans(self, stations: list[Station]) -> None:
        with self.step("rollout plans"):
            plans = [
                CoveragePlan(
                    region_id=s.region_id,
                    station_target=self.today + timedelta(days=self.rng.randint(-60, 400)),
                    studio_target=self.today + timedelta(days=self.rng.randint(30, 700))
                    if self.rng.random() < 0.3
                    else None,
                    note="按年度计划推进",
                )
                for s in stations
                if s.status != Status.OPERATING or self.rng.random() < 0.2
            ]
            for batch in _batches(plans):
                CoveragePlan.all_objects.bulk_create(batch)
            self.report.counts["rollout plans"] = len(plans)

    # --- residents -----------------------------------------------------------------------------------------------

    def make_people(self, villages: list[Region]) -> list[tuple[int, int, int, bool]]:
        """Residents over the new villages; returns (person id, village index, age, is female) for the next steps."""
        rows: list[tuple[int, int, int, bool]] = []
        with self.step("people"):
            if not villages:
                return rows
            # ID numbers: region, birth date, a sequence whose last digit is even for women and odd for men. The demo's
            # sequences stay below 700; ours count up from there per (county, date, sex), unique by construction.
            sequences: dict[tuple[str, object, bool], int] = {}
            taken: set[tuple[int, str, object]] = set()
            mobile_base = 10_000_000 + self.rng.randint(0, 1_000_000)
            batch: list[Person] = []
            meta: list[tuple[int, int, bool]] = []

            def flush():
                Person.all_objects.bulk_create(batch)
                if batch and batch[0].pk is None:
                    ids = dict(
                        Person.all_objects.filter(id_number_index__in=[p.id_number_index for p in batch]).values_list(
                            "id_number_index", "pk"
                        )
                    )
                    for p in batch:
                        p.pk = ids[p.id_number_index]
                rows.extend((p.pk, *m) for p, m in zip(batch, meta, strict=True))
                batch.clear()
                meta.clear()

            for n in range(self.o.people):
                index = self.rng.randrange(len(villages))
                village = villages[index]
                female = self.rng.random() < 0.7
                age = self.rng.choice([self.rng.randint(1, 17), self.rng.randint(18, 59), self.rng.randint(60, 90)])
                born = self.today - timedelta(days=age * 365 + self.rng.randint(0, 360))
                name = self.rng.choice(SURNAMES) + "".join(
                    self.rng.choice(GIVEN_F if female else GIVEN_M) for _ in range(self.rng.choice((1, 2)))
                )
                region6 = village.code[:6]
                while (village.pk, name, born) in taken or sequences.get((region6, born, female), 0) > 997:
                    born -= timedelta(days=1)
                taken.add((village.pk, name, born))
                sequence = sequences.get((region6, born, female), 700 if female else 701)
                sequences[(region6, born, female)] = sequence + 2
                mobile = f"1{self.rng.choice('3578')}{mobile_base + n:09d}" if age >= 16 else ""
                person = Person(
                    name=name,
                    gender=Person.Gender.FEMALE if female else Person.Gender.MALE,
                    birth_date=born,
                    id_number=make_resident_id(region6, born, sequence),
                    mobile=mobile,
                    mobile_hint=mask("mobile", mobile),
                    address=f"{village.name}{self.rng.randint(1, 20)}组{self.rng.randint(1, 200)}号",
                    region=village,
                    residency=Person.Residency.RESIDENT if self.rng.random() < 0.85 else Person.Residency.TEMPORARY,
                )
                batch.append(person)
                meta.append((index, age, female))
                if len(batch) >= BATCH:
                    flush()
            flush()
            self.report.counts["people"] = len(rows)
        return rows

    def make_visit_plans(self, towns, villages, people) -> dict[tuple[int, str], VisitPlan]:
        """Two plans per town with new residents (by target group), keyed by (town id, group code)."""
        groups = {g.code: g for g in TargetGroup.objects.all()}
        town_index = {t.pk: n for n, t in enumerate(towns)}
        plan_groups = [code for code in PLAN_GROUPS if code in groups]
        plans: dict[tuple[int, str], VisitPlan] = {}
        with self.step("visit plans"):
            new_towns = sorted({villages[i].parent_id for _p, i, _a, _f in people}, key=lambda pk: town_index[pk])
            for town_id in new_towns:
                first = town_index[town_id] % len(plan_groups) if plan_groups else 0
                for code in plan_groups[first : first + 2] or plan_groups[:2]:
                    interval = 30 if "children" in code else 91
                    plans[(town_id, code)] = VisitPlan(
                        name=f"{groups[code].name}{'每月' if interval == 30 else '季度'}走访",
                        group=groups[code],
                        region_id=town_id,
                        interval_days=interval,
                        kind="safety" if code == "left_behind_children" else "care",
                    )
            VisitPlan.all_objects.bulk_create(list(plans.values()), batch_size=BATCH)
            for (town_id, code), plan in plans.items():
                if plan.pk is None:  # backends that do not return ids
                    plan.pk = VisitPlan.all_objects.get(region_id=town_id, group=groups[code]).pk
            self.report.counts["visit plans"] = len(plans)
        return plans

    def make_memberships(self, people) -> list[tuple[int, int, str]]:
        """One in five residents in a target group that fits their age and sex; returns (person id, village index,
        group code)."""
        groups = {g.code: g for g in TargetGroup.objects.all()}
        members: list[tuple[int, int, str]] = []
        with self.step("group memberships"):
            for person_id, index, age, female in people:
                if self.rng.random() >= 0.2:
                    continue
                if age < 18:
                    code = "left_behind_children" if self.rng.random() < 0.6 else "children_in_difficulty"
                elif age >= 60:
                    code = "empty_nest_elderly_women" if female else ""
                else:
                    code = ("single_mothers" if self.rng.random() < 0.5 else "women_in_hardship") if female else ""
                if code in groups:
                    members.append((person_id, index, code))
            links = [
                TargetGroupMembership(
                    person_id=person_id,
                    group=groups[code],
                    start_date=self.today - timedelta(days=self.rng.randint(30, 900)),
                )
                for person_id, _index, code in members
            ]
            for batch in _batches(links):
                TargetGroupMembership.all_objects.bulk_create(batch)
            self.report.counts["group memberships"] = len(links)
        return members

    def make_visits(self, villages, members, plans) -> None:
        """Visits done in the past year (under the town's plan when there is one), and one due visit per member
        under a plan: about one in four overdue, the rest due within the plan's interval."""
        with self.step("visits"):
            visits = []
            for n in range(min(self.o.visits, len(members) * 3) if members else 0):
                person_id, index, code = members[n % len(members)]
                plan = plans.get((villages[index].parent_id, code))
                visits.append(
                    Visit(
                        person_id=person_id,
                        plan=plan,
                        kind=plan.kind if plan else "care",
                        visit_date=self.today - timedelta(days=self.rng.randint(1, 365)),
                        place="家中",
                        findings=self.rng.choice(FINDINGS),
                    )
                )
            for batch in _batches(visits):
                Visit.all_objects.bulk_create(batch)
            self.report.counts["visits"] = len(visits)
        with self.step("due visits"):
            planned = []
            for person_id, index, code in members:
                plan = plans.get((villages[index].parent_id, code))
                if plan is not None:
                    due = self.today + timedelta(days=self.rng.randint(-plan.interval_days // 3, plan.interval_days))
                    planned.append(ScheduledVisit(plan=plan, person_id=person_id, due_date=due))
            for batch in _batches(planned):
                ScheduledVisit.all_objects.bulk_create(batch)
            self.report.counts["due visits"] = len(planned)

    # --- activity, mediation, audit ------------------------------------------------------------------------------

    def make_activities(self, stations: list[Station]) -> None:
        with self.step("activities"):
            operating = [s for s in stations if s.status == Status.OPERATING]
            activities = []
            for n in range(min(self.o.activities, len(operating) * 10) if operating else 0):
                station = operating[self.rng.randrange(len(operating))] if n % 3 else operating[n % len(operating)]
                day = self.today + timedelta(days=self.rng.randint(-300, 60))
                starts = timezone.make_aware(datetime.combine(day, time(self.rng.choice((9, 14, 19)))))
                past = day < self.today
                activities.append(
                    Activity(
                        station=station,
                        title=self.rng.choice(ACTIVITY_TITLES),
                        description="驿站活动",
                        audience=Audience.PUBLIC if self.rng.random() < 0.7 else Audience.VILLAGE,
                        starts_at=starts,
                        ends_at=starts + timedelta(hours=2),
                        seats=self.rng.choice((20, 30, 50)),
                        status=ActivityStatus.COMPLETED if past else ActivityStatus.PUBLISHED,
                        created_at=starts - timedelta(days=14),
                        updated_at=starts - timedelta(days=14),
                    )
                )
            for batch in _batches(activities):
                Activity.all_objects.bulk_create(batch)
            self.report.counts["activities"] = len(activities)

    def make_cases(self, studios: list[Studio]) -> None:
        with self.step("cases"):
            types = list(DisputeType.objects.order_by("pk"))
            if not studios or not types:
                self.report.counts["cases"] = 0
                return
            author = self.generator_user()
            year = self.today.year
            counters: dict[int, int] = defaultdict(int)
            cases = []
            for _n in range(self.o.cases):
                studio = studios[self.rng.randrange(len(studios))]
                counters[studio.pk] += 1
                seq = counters[studio.pk]
                days_this_year = self.today.timetuple().tm_yday - 1
                received = self.today - timedelta(days=self.rng.randint(0, min(300, days_this_year)))
                status = self.rng.choice(Case.Status.values)
                accepted = status not in (Case.Status.INTAKE, Case.Status.NOT_ACCEPTED)
                at = timezone.make_aware(datetime.combine(received, time(10)))
                cases.append(
                    Case(
                        studio=studio,
                        number=studio.case_number_format.format(year=year, seq=seq),
                        year=year,
                        sequence=seq,
                        source=self.rng.choice(Case.Source.values),
                        dispute_type=self.rng.choice(types),
                        narrative="双方因家庭琐事发生争执，申请调解",
                        status=status,
                        received_on=received,
                        willingness_recorded=accepted,
                        notice_given=accepted,
                        accepted_at=at if accepted else None,
                        closed_at=at + timedelta(days=10) if status in Case.CLOSED else None,
                        created_by=author,
                        created_at=at,
                        updated_at=at,
                    )
                )
            for batch in _batches(cases):
                Case.all_objects.bulk_create(batch)
            CaseNumberCounter.all_objects.bulk_create(
                [CaseNumberCounter(studio_id=pk, year=year, last=last) for pk, last in counters.items()],
                batch_size=BATCH,
            )
            self.report.counts["cases"] = len(cases)

    def make_audit(self, villages: list[Region]) -> None:
        """Audit rows over the new villages (and their towns) through the past year: a town admin's own rows are
        then not the newest, as in a province's log."""
        with self.step("audit rows"):
            total = self.o.audit if villages else 0
            actions = ["create", "update", "update", "update", "reveal", "export", "login"]
            span = 365 * 24 * 3600
            for start in range(0, total, BATCH):
                rows = []
                for _n in range(start, min(total, start + BATCH)):
                    village = villages[self.rng.randrange(len(villages))]
                    code = village.code if self.rng.random() < 0.8 else village.code[:9]
                    action = self.rng.choice(actions)
                    rows.append(
                        AuditLog(
                            at=self.now - timedelta(seconds=self.rng.randrange(span)),
                            actor_label="系统生成",
                            action=action,
                            target_type="people.person" if action != "login" else "",
                            target_id=str(self.rng.randint(1, 10**6)),
                            target_repr=f"{village.name}居民",
                            region_code=code,
                            changes={"note": "scale data"} if action == "update" else {},
                            field="mobile" if action == "reveal" else "",
                            reason="核实联系方式" if action == "reveal" else "",
                        )
                    )
                AuditLog.all_objects.bulk_create(rows)
            self.report.counts["audit rows"] = total

    def generator_user(self) -> User:
        user = User.all_objects.filter(username=GENERATOR_USERNAME).first()
        if user is None:
            user = User(username=GENERATOR_USERNAME, name="规模数据", is_active=False)
            user.set_unusable_password()
            user.save()
        return user

    # --- all -----------------------------------------------------------------------------------------------------

    def build(self) -> Report:
        towns = self.import_towns()
        with transaction.atomic():
            villages = self.make_villages(towns)
            if not villages:
                if self.log:
                    self.log("Every town already has villages: nothing generated (use a fresh database to rebuild).")
                return self.report
            stations = self.make_stations(villages)
            studios = self.make_studios(stations)
            self.make_coverage_plans(stations)
            people = self.make_people(villages)
            plans = self.make_visit_plans(towns, villages, people)
            members = self.make_memberships(people)
            self.make_visits(villages, members, plans)
            self.make_activities(stations)
            self.make_cases(studios)
            self.make_audit(villages)
        with self.step("rollups"):
            # the rows were bulk-created, which model signals do not see: the figures derived from them follow
            bulk_written.send(sender=Station)
        self.analyze()
        return self.report

    def analyze(self) -> None:
        """Fresh planner statistics: after a bulk load PostgreSQL would plan with the sizes of before (a count of
        200,000 residents as a nested loop over a "small" table) until autovacuum gets round to the tables."""
        if connection.vendor != "postgresql":
            return
        with self.step("analyze"), connection.cursor() as cursor:
            cursor.execute("ANALYZE")


def generate_scale_data(options: Options, log=None) -> Report:
    """Build the data set (call inside ``scopes_disabled()``); returns counts and seconds per step."""
    return Builder(options, log).build()
