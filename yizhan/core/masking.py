"""How sensitive values look on screens, in the API, exports and audit rows."""


def mask_mobile(value: str) -> str:
    digits = value or ""
    if len(digits) < 7:
        return "*" * len(digits)
    return f"{digits[:3]}****{digits[-4:]}"


def mask_id_number(value: str) -> str:
    value = value or ""
    if len(value) < 10:
        return "*" * len(value)
    return f"{value[:6]}{'*' * (len(value) - 10)}{value[-4:]}"


def mask_text(value: str) -> str:
    return "******" if value else ""


def mask_address(value: str) -> str:
    """Addresses are shown only up to the village or community: the part after it is hidden."""
    value = value or ""
    for marker in ("社区", "村", "小区", "街道", "镇"):
        index = value.find(marker)
        if index != -1:
            return value[: index + len(marker)] + "******"
    return mask_text(value)


MASKS = {
    "mobile": mask_mobile,
    "phone": mask_mobile,
    "id_number": mask_id_number,
    "address": mask_address,
    "text": mask_text,
}


def mask(kind: str, value: str | None) -> str:
    if value in (None, ""):
        return ""
    return MASKS.get(kind, mask_text)(str(value))
