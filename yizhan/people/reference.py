"""Reference data of the people app: the platform's default target groups (admins may add more or switch one off).

Loaded by the data migration's own copy and by ``manage.py seed_demo`` (``YizhanAppConfig.reference``), so a
database whose tables were emptied (a test's flush) gets them back. Existing groups keep their names."""

from django.apps import apps as global_apps

GROUPS = [
    ("left_behind_children", "留守儿童", 10),
    ("children_in_difficulty", "困境儿童", 20),
    ("single_mothers", "单亲母亲", 30),
    ("women_in_hardship", "困难妇女", 40),
    ("disabled_women_children", "残疾妇女儿童", 50),
    ("empty_nest_elderly_women", "空巢老年妇女", 60),
]


def load(apps=None) -> None:
    model = (apps or global_apps).get_model("people", "TargetGroup")
    for code, name, order in GROUPS:
        model.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})
