from django.db import migrations

GROUPS = [
    ("left_behind_children", "留守儿童", 10),
    ("children_in_difficulty", "困境儿童", 20),
    ("single_mothers", "单亲母亲", 30),
    ("women_in_hardship", "困难妇女", 40),
    ("disabled_women_children", "残疾妇女儿童", 50),
    ("empty_nest_elderly_women", "空巢老年妇女", 60),
]


def add_groups(apps, schema_editor):
    TargetGroup = apps.get_model("people", "TargetGroup")
    for code, name, order in GROUPS:
        TargetGroup.objects.get_or_create(code=code, defaults={"name": name, "sort_order": order})


class Migration(migrations.Migration):
    dependencies = [("people", "0001_initial")]
    operations = [migrations.RunPython(add_groups, migrations.RunPython.noop)]
