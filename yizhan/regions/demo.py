"""The 瓜沥镇 demo's region tree: real codes down to the town, fictional village codes (names as used in the demo).

Declared as ``RegionsConfig.demo``; ``manage.py seed_demo`` runs it first (yizhan/core/demo.py). Idempotent."""

from .models import Region

TREE = [
    ("33", "浙江省", Region.Level.PROVINCE),
    ("3301", "杭州市", Region.Level.CITY),
    ("330109", "萧山区", Region.Level.COUNTY),
    ("330109113", "瓜沥镇", Region.Level.TOWN),
]

# Villages and communities of 瓜沥镇 (codes under 330109113; names as used in the demo).
VILLAGES = [
    ("330109113001", "隆园社区"),
    ("330109113002", "友谊村"),
    ("330109113003", "东灵社区"),
    ("330109113004", "航民村"),
    ("330109113005", "山北村"),
    ("330109113006", "沿塘村"),
    ("330109113007", "长巷村"),
    ("330109113008", "八里桥村"),
    ("330109113009", "运西村"),
    ("330109113010", "党山村"),
    ("330109113011", "新港村"),
    ("330109113012", "明朗村"),
    ("330109113013", "梅林村"),
    ("330109113014", "前进村"),
    ("330109113015", "塘头村"),
    ("330109113016", "友联村"),
    ("330109113017", "瓜沥社区"),
    ("330109113018", "七彩社区"),
]


def seed() -> str:
    parent = None
    for code, name, level in TREE:
        parent, _ = Region.all_objects.update_or_create(
            code=code, defaults={"name": name, "level": level, "parent": parent}
        )
    town = parent
    for code, name in VILLAGES:
        Region.all_objects.update_or_create(
            code=code, defaults={"name": name, "level": Region.Level.VILLAGE, "parent": town}
        )
    return f"{town.name}: {len(VILLAGES)} villages and communities"
