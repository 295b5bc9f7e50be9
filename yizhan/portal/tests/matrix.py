"""Permission-matrix rows for the public pages: the same for everyone, signed in or not."""

from yizhan.mediation.tests.matrix import sd
from yizhan.mediation.tests.network import build_studio_network
from yizhan.stations.tests.matrix import st
from yizhan.stations.tests.network import build_network, make_photo


def _photo(w, **kwargs):
    return make_photo(build_network(w).station, **kwargs).pk


PUBLIC_OK = {"default": 200}
PUBLIC_404 = {"default": 404}

ROWS = [
    # --- public pages: the same for everyone, signed in or not ---
    ("public index", "GET", lambda w: "/public/", PUBLIC_OK),
    ("public area 萧山区", "GET", lambda w: "/public/areas/330109/", PUBLIC_OK),
    ("public town 瓜沥镇", "GET", lambda w: (build_studio_network(w), "/public/towns/330109113/")[1], PUBLIC_OK),
    ("public station 隆园 (operating)", "GET", lambda w: f"/public/stations/{st(w)}/", PUBLIC_OK),
    (
        "public station 友谊村 (planned)",
        "GET",
        lambda w: f"/public/stations/{build_network(w).planned_station.pk}/",
        PUBLIC_404,
    ),
    ("public studio 东灵", "GET", lambda w: f"/public/studios/{sd(w)}/", PUBLIC_OK),
    ("public request for mediation form", "GET", lambda w: f"/public/studios/{sd(w)}/request/", PUBLIC_OK),
    (
        "public request for mediation sent",
        "POST",
        lambda w: f"/public/studios/{sd(w)}/request/",
        PUBLIC_OK,
        lambda w: {"name": "李秀英", "mobile": "13912345678", "description": "想咨询离婚财产分割", "consent": "on"},
    ),
    ("public photo", "GET", lambda w: f"/public/photos/{_photo(w)}/thumb/", PUBLIC_OK),
    ("public photo (not public)", "GET", lambda w: f"/public/photos/{_photo(w, is_public=False)}/full/", PUBLIC_404),
]
