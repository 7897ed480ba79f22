"""The floor of the surge benchmark (bench/surge.sh): the cheapest honest write Django can do.

It accepts a JSON body and inserts it as one row, behind the same server, middleware and
database as the real submission endpoint, so `full / floor` says how much of the capacity the
platform's own work (validation, signature, evidence, outbox, audit) costs. Mounted only when
BENCH_FLOOR_ENABLED is set; the table is created by bench/surge/prepare.py.
"""

from __future__ import annotations

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

TABLE = "bench_floor"


@csrf_exempt
@require_POST
def floor(request: HttpRequest) -> HttpResponse:
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {TABLE} (body) VALUES (%s)", [request.body.decode()])  # noqa: S608
    return JsonResponse({"ok": True}, status=201)
