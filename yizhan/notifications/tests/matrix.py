ROWS = [
    ("notifications", "GET", lambda w: "/notifications/", {"anonymous": 302, "default": 200}),
    ("API notifications", "GET", lambda w: "/api/notifications/", {"anonymous": 401, "default": 200}),
    ("mark all read", "POST", lambda w: "/notifications/read-all/", {"anonymous": 302, "default": 302}),
]
