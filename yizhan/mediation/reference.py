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
    load_risk_screening(apps)


# Domestic-violence risk screening (issue 11): the usual lethality items, each with a weight; a critical item forces
# at least its level whatever the score; an item about a child or a person without capacity opens a mandatory report
# (Anti-Domestic Violence Law art. 14). (code, Chinese, English, weight, forces level, opens a mandatory report)
RISK_ITEMS = [
    ("prior_violence", "此前发生过家庭暴力", "There was violence before", 2, "", False),
    ("frequent_violence", "暴力每周发生或越来越频繁", "Violence weekly or more and more often", 3, "", False),
    ("escalation", "暴力越来越严重", "The violence is getting worse", 3, "", False),
    ("threats_to_kill", "威胁要杀死受害人或其家人", "Threats to kill the victim or the family", 4, "orange", False),
    ("weapon", "使用或威胁使用凶器", "A weapon used or threatened", 4, "red", False),
    ("strangulation", "掐脖子或使其窒息", "Strangling or choking", 4, "red", False),
    ("sexual_violence", "性暴力", "Sexual violence", 3, "", False),
    ("control_jealousy", "强烈控制或病态嫉妒", "Strong control or jealousy", 2, "", False),
    ("alcohol_drugs", "酗酒或吸毒", "Alcohol or drug abuse", 2, "", False),
    ("pregnancy", "怀孕期间遭受暴力", "Violence during pregnancy", 2, "", False),
    ("recent_separation", "近期分居或提出离婚", "Recent separation or divorce asked for", 2, "", False),
    ("suicide_threats", "施暴人威胁自杀", "The abuser threatens suicide", 3, "", False),
    ("breached_order", "违反过保护令或告诫书", "A protection order or warning was breached", 3, "orange", False),
    ("children_present", "未成年子女在场或受到威胁", "Children present or threatened", 2, "", True),
    (
        "incapacitated_at_risk",
        "无民事行为能力或限制民事行为能力人面临暴力",
        "A person without full capacity at risk",
        2,
        "",
        True,
    ),
]
# The lowest score of each level (Zhejiang colour practice): the level is the highest band the score reaches.
RISK_BANDS = [("red", 18), ("orange", 12), ("yellow", 6), ("blue", 1), ("white", 0)]


def load_risk_screening(apps=None) -> None:
    """Create or refresh the risk screening items and level bands (skipped before the migration that adds them)."""
    registry = apps or global_apps
    try:
        items = registry.get_model("mediation", "RiskItem")
        bands = registry.get_model("mediation", "RiskBand")
    except LookupError:  # an earlier migration's state: the data migration of 0005 loads them
        return
    for order, (code, name_zh, name_en, weight, forces, report) in enumerate(RISK_ITEMS, start=1):
        items.objects.update_or_create(
            code=code,
            defaults={
                "name_zh": name_zh,
                "name_en": name_en,
                "sort_order": order * 10,
                "weight": weight,
                "forces_level": forces,
                "opens_mandatory_report": report,
            },
        )
    for level, min_score in RISK_BANDS:
        bands.objects.update_or_create(level=level, defaults={"min_score": min_score})
