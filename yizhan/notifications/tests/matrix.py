"""Permission-matrix rows for notifications (see yizhan/tests/permission_matrix.py)."""

ONLY_ITS_RECIPIENT = {
    "anonymous": 302,
    "district_admin": 404,
    "town_admin": 404,
    "other_town_admin": 404,
    "station_manager": 302,
    "other_station_manager": 404,
    "mediator": 404,
    "advisor": 404,
    "volunteer": 404,
}


def prepare(w):
    """A notification for the 隆园 station manager."""
    from yizhan.notifications.services import notify

    user = w.users["station_manager"]
    w.notification = notify(
        user=user, kind="welcome", params={"name": user.name, "username": user.username}, dedup_key="matrix-welcome"
    )


ROWS = [
    ("notifications", "GET", lambda w: "/notifications/", {"anonymous": 302, "default": 200}),
    ("API notifications", "GET", lambda w: "/api/notifications/", {"anonymous": 401, "default": 200}),
    ("mark all read", "POST", lambda w: "/notifications/read-all/", {"anonymous": 302, "default": 302}),
    (
        "mark one read (the 隆园 station manager's)",
        "POST",
        lambda w: f"/notifications/{w.notification.pk}/read/",
        ONLY_ITS_RECIPIENT,
    ),
    (
        "open one (the 隆园 station manager's)",
        "GET",
        lambda w: f"/notifications/{w.notification.pk}/open/",
        ONLY_ITS_RECIPIENT,
    ),
]
