"""Reference data shipped with the app: the five service lines (fixed), standard room and position types."""

from django.apps import apps as global_apps

SERVICE_LINES = [
    ("education", "教育培训", "Education and training"),
    ("rights", "维权调解", "Rights protection and mediation"),
    ("entrepreneurship", "创业帮扶", "Entrepreneurship support"),
    ("welfare", "公益关爱", "Public-welfare care"),
    ("children", "儿童服务", "Children's services"),
]

ROOM_TYPES = [
    ("parent_school", "家长学校", "Parent school"),
    ("activity_room", "公益活动室", "Public-welfare activity room"),
    ("children_home", "儿童之家", "Children's home"),
    ("library", "图书室", "Reading room"),
    ("science", "科普室", "Popular-science room"),
    ("counselling", "心理咨询室", "Counselling room"),
    ("mediation", "调解室", "Mediation room"),
    ("other", "其他", "Other"),
]

POSITION_TYPES = [
    ("women_home", "妇女之家", "Women's home"),
    ("children_home", "儿童之家", "Children's home"),
    ("parent_school", "家长学校", "Parent school"),
    ("mediation_station", "婚姻家庭纠纷调解站", "Marriage and family dispute mediation point"),
    ("family_education", "家庭教育指导服务站", "Family-education guidance point"),
]


def load(apps=None):
    """Create or refresh the reference rows (used by the data migration and by tests that flush tables)."""
    if apps is None:
        apps = global_apps
    for model_name, rows in (
        ("ServiceLine", SERVICE_LINES),
        ("RoomType", ROOM_TYPES),
        ("PositionType", POSITION_TYPES),
    ):
        model = apps.get_model("stations", model_name)
        for order, (code, name_zh, name_en) in enumerate(rows, start=1):
            model.objects.update_or_create(
                code=code, defaults={"name_zh": name_zh, "name_en": name_en, "sort_order": order * 10}
            )
