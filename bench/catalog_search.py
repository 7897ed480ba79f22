"""Benchmark: procedure search latency over >= 100,000 offerings.

Builds its own database (SQLite file under a temporary folder by default, or PostgreSQL when
DATABASE_URL is set): the national master, the 32 standard procedures plus synthetic municipal
procedures so that every municipality × its procedures gives more than 100,000 offerings (about
half online), then times `GET /api/v1/procedures?q=…&municipality=…` through Django's test client
(routing, validation, search, serialisation — everything but the socket).

    .venv/bin/python bench/catalog_search.py                  # SQLite
    DATABASE_URL=postgres://… .venv/bin/python bench/catalog_search.py
"""

from __future__ import annotations

import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
if "DATABASE_URL" not in os.environ:
    os.environ["MADOGUCHI_VAR_DIR"] = tempfile.mkdtemp(prefix="madoguchi-bench-")
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "madoguchi.config.settings")
os.environ["API_ANON_RATE"] = "1000000/minute"

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402

from madoguchi.catalog.models import Offering, Procedure  # noqa: E402
from madoguchi.catalog.services import catalog_load  # noqa: E402
from madoguchi.municipalities.models import MUNICIPAL_KINDS, Municipality  # noqa: E402
from madoguchi.municipalities.services import municipality_master_load  # noqa: E402

SYNTHETIC = [
    ("住宅リフォーム助成金の申請", "ジュウタクリフォームジョセイキン", ["リフォーム", "助成"]),
    ("粗大ごみの収集申込", "ソダイゴミシュウシュウ", ["ごみ", "家具", "捨てる"]),
    ("犬の登録", "イヌノトウロク", ["犬", "ペット", "飼う"]),
    ("狂犬病予防注射済票の交付", "キョウケンビョウ", ["犬", "注射"]),
    ("住民票の写しの交付請求", "ジュウミンヒョウ", ["住民票", "証明書"]),
    ("印鑑登録証明書の交付申請", "インカントウロク", ["印鑑", "はんこ", "証明書"]),
    ("児童館の利用登録", "ジドウカン", ["子ども", "遊び場"]),
    ("放課後児童クラブの入会申込", "ホウカゴジドウクラブ", ["学童", "子ども"]),
    ("がん検診の申込", "ガンケンシン", ["検診", "健康"]),
    ("特定健康診査の受診券再発行", "トクテイケンコウシンサ", ["健診", "再発行"]),
    ("図書館の利用者登録", "トショカン", ["本", "図書館"]),
    ("自転車駐車場の定期利用申込", "ジテンシャチュウシャジョウ", ["自転車", "駐輪"]),
    ("道路占用許可申請", "ドウロセンヨウ", ["道路", "工事"]),
    ("公園の使用許可申請", "コウエンシヨウ", ["公園", "イベント"]),
    ("ひとり親家庭医療費助成の申請", "ヒトリオヤ", ["ひとり親", "医療費"]),
    ("子ども医療費助成の申請", "コドモイリョウヒ", ["子ども", "医療費", "病院"]),
    ("高齢者緊急通報システムの申込", "キンキュウツウホウ", ["高齢", "見守り"]),
    ("紙おむつ支給の申請", "カミオムツ", ["介護", "おむつ"]),
    ("補聴器購入費助成の申請", "ホチョウキ", ["耳", "補聴器"]),
    ("空き家の相談", "アキヤ", ["空き家", "家"]),
    ("防災行政無線の戸別受信機貸与", "ボウサイムセン", ["防災", "無線"]),
    ("感震ブレーカー設置助成", "カンシンブレーカー", ["地震", "防災"]),
    ("生ごみ処理機購入助成", "ナマゴミ", ["ごみ", "助成"]),
    ("住宅用太陽光発電設備の補助", "タイヨウコウ", ["太陽光", "補助"]),
    ("結婚新生活支援補助金", "ケッコンシンセイカツ", ["結婚", "新婚"]),
    ("出産・子育て応援給付金", "シュッサンコソダテ", ["出産", "赤ちゃん", "給付"]),
    ("乳幼児健康診査の予約", "ニュウヨウジケンシン", ["赤ちゃん", "健診"]),
    ("予防接種の予診票再発行", "ヨボウセッシュ", ["予防接種", "ワクチン"]),
    ("ひとり暮らし高齢者登録", "ヒトリグラシ", ["高齢", "見守り"]),
    ("集会所の利用申込", "シュウカイジョ", ["集会", "会議室"]),
]
QUERIES = [
    "子どもが生まれた",
    "引っ越し",
    "親の介護",
    "家が壊れた",
    "車庫証明",
    "保育園",
    "児童手当",
    "ごみ",
    "犬を飼う",
    "住民票",
    "介護保険証をなくした",
    "ひっこし",
    "りさいしょうめい",
    "ケアマネージャー",
    "地震",
    "医療費",
    "妊娠",
    "手すり",
    "ﾎｲｸｴﾝ",
    "補助金",
]


def build() -> int:
    call_command("migrate", verbosity=0)
    municipality_master_load()
    catalog_load()
    if Offering.objects.count() >= 100_000:
        return Offering.objects.count()
    rng = random.Random(20201)
    with transaction.atomic():
        for i, (name, kana, words) in enumerate(SYNTHETIC):
            Procedure.objects.update_or_create(
                code=f"local-{i:02d}",
                defaults={
                    "name": name,
                    "kana": kana,
                    "summary": f"{name}の手続です。",
                    "category": "local",
                    "level": "municipal",
                    "keywords": words,
                    "order": 100 + i,
                },
            )
        municipal = list(Procedure.objects.filter(level="municipal").values_list("code", flat=True))
        prefectural = list(
            Procedure.objects.filter(level="prefectural").values_list("code", flat=True)
        )
        rows = []
        for m in Municipality.objects.values_list("code", "kind"):
            code, kind = m
            procedures = (
                prefectural
                if kind == "prefecture"
                else (municipal if kind in MUNICIPAL_KINDS else [])
            )
            for procedure in procedures:
                online = rng.random() < 0.5
                rows.append(
                    Offering(
                        municipality_id=code,
                        procedure_id=procedure,
                        online=online,
                        form_version_ref=str(rng.randrange(1, 10**6)) if online else "",
                    )
                )
        Offering.objects.bulk_create(rows, batch_size=5000, ignore_conflicts=True)
    return Offering.objects.count()


def main() -> None:
    started = time.perf_counter()
    total = build()
    built = time.perf_counter() - started
    residents = list(Municipality.objects.exclude(kind="prefecture").values_list("code", flat=True))
    client = Client()
    rng = random.Random(7)
    for _ in range(50):  # warm-up: connection, index, query plans
        client.get(
            "/api/v1/procedures", {"q": rng.choice(QUERIES), "municipality": rng.choice(residents)}
        )
    samples = []
    n = int(os.environ.get("BENCH_SEARCHES", "2000"))
    for _ in range(n):
        params = {"q": rng.choice(QUERIES), "municipality": rng.choice(residents)}
        t0 = time.perf_counter()
        response = client.get("/api/v1/procedures", params)
        samples.append((time.perf_counter() - t0) * 1000)
        assert response.status_code == 200, response.content
    samples.sort()
    p = lambda q: samples[min(len(samples) - 1, int(q * len(samples)))]  # noqa: E731
    print(
        f"database={connection.vendor} offerings={total} procedures={Procedure.objects.count()} "
        f"build={built:.1f}s searches={n}"
    )
    print(
        f"catalog-search: p50={p(0.50):.1f}ms p95={p(0.95):.1f}ms p99={p(0.99):.1f}ms "
        f"mean={statistics.fmean(samples):.1f}ms max={samples[-1]:.1f}ms"
    )


if __name__ == "__main__":
    main()
