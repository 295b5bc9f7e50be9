"""Reference data of the mediation app: the dispute types of issue 11 (admins may add more or retire one)."""

from django.apps import apps as global_apps

DISPUTE_TYPES = [
    ("divorce", "离婚", "Divorce"),
    ("child_support", "抚养", "Raising a child (抚养)"),
    ("spousal_support", "扶养", "Support between spouses (扶养)"),
    ("elder_support", "赡养", "Support of elderly parents (赡养)"),
    ("visitation", "探望权", "Visitation rights"),
    ("guardianship", "监护权", "Guardianship"),
    ("betrothal_property", "婚约财产", "Betrothal property"),
    ("post_divorce_property", "离婚后财产", "Property after divorce"),
    ("family_property_division", "分家析产", "Division of family property"),
    ("domestic_violence", "家庭暴力", "Domestic violence"),
    ("family_relations", "婆媳/家庭关系", "In-law and family relations"),
    ("other", "其他", "Other"),
]


def load(apps=None):
    """Create or refresh the dispute types (used by the data migration and by tests that flush tables)."""
    model = (apps or global_apps).get_model("mediation", "DisputeType")
    for order, (code, name_zh, name_en) in enumerate(DISPUTE_TYPES, start=1):
        model.objects.update_or_create(
            code=code, defaults={"name_zh": name_zh, "name_en": name_en, "sort_order": order * 10}
        )
