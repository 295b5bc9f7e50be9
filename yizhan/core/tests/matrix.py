ROWS = [
    ("health check", "GET", lambda w: "/healthz", {"default": 200}),
]
