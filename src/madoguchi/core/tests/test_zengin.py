"""全銀: kana rules, the bank directory, the 総合振込 file and the 振込不能 result file."""

from __future__ import annotations

import datetime
import io
import tracemalloc
from collections.abc import Iterator

import pytest

from madoguchi.core import zengin
from madoguchi.core.zengin import (
    TransferEnd,
    TransferHeader,
    TransferRecord,
    TransferTrailer,
    ZenginFormatError,
)

# --- Kana ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("やまだ　たろう", "ﾔﾏﾀﾞ ﾀﾛｳ"),  # hiragana, full-width space
        ("ヤマダ　タロウ", "ﾔﾏﾀﾞ ﾀﾛｳ"),  # full-width katakana
        ("ﾔﾏﾀﾞ ﾀﾛｳ", "ﾔﾏﾀﾞ ﾀﾛｳ"),  # already half-width: unchanged
        ("きょうこ", "ｷﾖｳｺ"),  # small ょ → large ﾖ
        ("ハットリ　シュンスケ", "ﾊﾂﾄﾘ ｼﾕﾝｽｹ"),  # ッ → ﾂ, ュ → ﾕ
        ("ｻｯｶｰ", "ｻﾂｶｰ"),  # half-width small ｯ → ﾂ; 長音 stays ｰ
        ("サトー", "ｻﾄｰ"),  # 長音 ー → ｰ
        ("ヴァイオリン", "ｳﾞｱｲｵﾘﾝ"),  # ヴ → ｳﾞ, ァ → ｱ
        ("ゔぃおら", "ｳﾞｲｵﾗ"),  # hiragana ゔ
        ("ガッコウ　パン", "ｶﾞﾂｺｳ ﾊﾟﾝ"),  # voiced and semi-voiced marks are their own bytes
        ("１２３ＡＢＣ", "123ABC"),  # full-width digits and letters
        ("smith john", "SMITH JOHN"),  # upper case
        ("カ）ヤマダ（ショウテン）", "ｶ)ﾔﾏﾀﾞ(ｼﾖｳﾃﾝ)"),
        ("エー．ビー－シー／", "ｴｰ.ﾋﾞｰ-ｼｰ/"),  # full-width . - /
        ("  やまだ   たろう  ", "ﾔﾏﾀﾞ ﾀﾛｳ"),  # spaces collapsed and trimmed
        ("ゐゑヲ", "ｲｴｦ"),  # ヰ ヱ are not in JIS X 0201; ヲ is
    ],
)
def test_to_zengin_kana(typed: str, expected: str) -> None:
    assert zengin.to_zengin_kana(typed) == expected
    assert zengin.zengin_kana_problems(typed) == []
    assert zengin.is_zengin_text(expected)


def test_characters_outside_the_set_are_named_once_each_in_order() -> None:
    assert zengin.zengin_kana_problems("山田　たろう") == ["山", "田"]
    assert zengin.zengin_kana_problems("ヤマダ@タロウ@") == ["@"]
    assert zengin.zengin_kana_problems("マッキー・ジュン") == ["･"]
    assert zengin.zengin_kana_problems("𠮷田") == ["𠮷", "田"]
    assert not zengin.is_zengin_text("ﾔﾏﾀﾞ 太郎")
    assert not zengin.is_zengin_text("ｷｮｳｺ")  # a small kana is not allowed in a file field


# --- Bank directory -----------------------------------------------------------------------------


def test_bank_and_branch_by_code() -> None:
    mizuho = zengin.bank("0001")
    assert mizuho is not None and mizuho.name == "みずほ" and mizuho.zengin_kana == "ﾐｽﾞﾎ"
    tokyo = zengin.branch("0001", "001")
    assert tokyo is not None and tokyo.bank_code == "0001" and tokyo.name == "東京営業部"
    assert zengin.bank("0000") is None
    assert zengin.bank("1") is None
    assert zengin.branch("0001", "999") is None
    assert zengin.branch("0000", "001") is None
    # The directory's kana holds a full-width hyphen (ユ－エフジエイ): converted to "-".
    mufg = zengin.bank("0005")
    assert mufg is not None and zengin.is_zengin_text(mufg.zengin_kana)


@pytest.mark.parametrize("query", ["みずほ", "ミズホ", "ﾐｽﾞﾎ", "mizuho", "0001"])
def test_banks_search_by_name_reading_or_code(query: str) -> None:
    found = zengin.banks_search(query)
    assert found and found[0].code == "0001"


def test_branches_search() -> None:
    found = zengin.branches_search("0001", "まるのうち")
    assert {b.code for b in found} >= {"004", "005"}
    assert zengin.branches_search("0001", "001")[0].name == "東京営業部"
    assert zengin.branches_search("0000", "東京") == []
    assert zengin.banks_search("  ") == []


# --- 総合振込 -----------------------------------------------------------------------------------


def _header() -> TransferHeader:
    return TransferHeader(
        requester_code="1310160001",
        requester_name_kana=zengin.to_zengin_kana("チヨダク　カイケイカンリシャ"),
        transfer_date=datetime.date(2026, 12, 24),
        bank_code="0001",
        bank_name_kana="ﾐｽﾞﾎ",
        branch_code="001",
        branch_name_kana="ﾄｳｷﾖｳ",
        account_type=zengin.ACCOUNT_CURRENT,
        account_number="1234567",
    )


def _records(n: int) -> Iterator[TransferRecord]:
    for i in range(n):
        yield TransferRecord(
            bank_code="0005",
            bank_name_kana=zengin.to_zengin_kana("ミツビシユーエフジエイ"),
            branch_code=f"{i % 1000:03d}",
            branch_name_kana="ﾎﾝﾃﾝ",
            account_type=(1, 2, 4)[i % 3],
            account_number=f"{i:07d}",
            recipient_kana=zengin.to_zengin_kana("やまだ　きょうこ"),
            amount=100_000 + i,
            customer_code=f"P{i:09d}",
        )


@pytest.mark.parametrize("line_break", [True, False])
def test_round_trip_record_by_record(line_break: bool) -> None:
    out = io.BytesIO()
    totals = zengin.write_transfer_file(_header(), _records(25), out, line_break=line_break)
    assert totals == zengin.TransferTotals(count=25, amount=sum(100_000 + i for i in range(25)))
    data = out.getvalue()
    records = (
        data.split(b"\r\n")[:-1]
        if line_break
        else [data[i : i + 120] for i in range(0, len(data), 120)]
    )
    assert len(records) == 1 + 25 + 1 + 1
    assert all(len(record) == 120 for record in records)
    assert [r[:1] for r in (records[0], records[1], records[-2], records[-1])] == [
        b"1",
        b"2",
        b"8",
        b"9",
    ]
    parsed = list(zengin.parse_transfer_file(io.BytesIO(data), year=2026))
    assert parsed[0] == _header()
    assert parsed[1:26] == list(_records(25))
    assert parsed[26] == TransferTrailer(count=25, amount=totals.amount)
    assert parsed[27] == TransferEnd()


def test_byte_positions_of_a_data_record() -> None:
    out = io.BytesIO()
    zengin.write_transfer_file(_header(), _records(1), out)
    header, data, trailer, end = out.getvalue().split(b"\r\n")[:4]
    assert header[0:1] == b"1" and header[1:3] == b"21" and header[3:4] == b"0"
    assert header[4:14] == b"1310160001"
    assert header[54:58] == b"1224"
    assert header[95:96] == b"2" and header[96:103] == b"1234567"
    assert data[1:5] == b"0005"
    assert data[42:43] == b"1"
    assert data[43:50] == b"0000000"
    assert data[50:80].decode("cp932").rstrip() == "ﾔﾏﾀﾞ ｷﾖｳｺ"
    assert data[80:90] == b"0000100000"
    assert data[91:101] == b"P000000000"
    assert data[111:112] == b"7"
    assert trailer[1:7] == b"000001" and trailer[7:19] == b"000000100000"
    assert end == b"9" + b" " * 119


def test_header_date_nearest_today_without_a_year() -> None:
    header = _header()
    header.transfer_date = datetime.date.today() + datetime.timedelta(days=3)
    out = io.BytesIO()
    zengin.write_transfer_file(header, [], out)
    parsed = next(zengin.parse_transfer_file(io.BytesIO(out.getvalue())))
    assert isinstance(parsed, TransferHeader) and parsed.transfer_date == header.transfer_date


def _file(n: int = 3) -> bytes:
    out = io.BytesIO()
    zengin.write_transfer_file(_header(), _records(n), out)
    return out.getvalue()


def _lines(data: bytes) -> list[bytes]:
    return data.split(b"\r\n")[:-1]


def _join(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\r\n" for line in lines)


def _error(data: bytes) -> ZenginFormatError:
    with pytest.raises(ZenginFormatError) as caught:
        list(zengin.parse_transfer_file(io.BytesIO(data), year=2026))
    return caught.value


def test_wrong_trailer_count_is_refused_with_its_record_number() -> None:
    lines = _lines(_file(3))
    lines[4] = b"8000004" + lines[4][7:]
    error = _error(_join(lines))
    assert error.record_number == 5
    assert "4" in error.message and "3" in error.message


def test_wrong_trailer_total_is_refused_with_its_record_number() -> None:
    lines = _lines(_file(3))
    lines[4] = lines[4][:7] + b"000000000001" + lines[4][19:]
    error = _error(_join(lines))
    assert error.record_number == 5


def test_a_short_record_is_refused_with_its_record_number() -> None:
    lines = _lines(_file(3))
    lines[2] = lines[2][:119]
    error = _error(_join(lines))
    assert error.record_number == 3 and "119" in error.message


def test_a_truncated_file_without_line_breaks() -> None:
    out = io.BytesIO()
    zengin.write_transfer_file(_header(), _records(2), out, line_break=False)
    error = _error(out.getvalue()[:-10])
    assert error.record_number == 5 and "110" in error.message


def test_record_order_and_fields_are_checked() -> None:
    lines = _lines(_file(2))
    assert _error(_join(lines[1:])).record_number == 1  # no header
    assert _error(_join(lines[:3])).record_number == 4  # no trailer and end
    assert _error(_join([*lines, lines[1]])).record_number == 6  # after the end
    bad_amount = lines[1][:80] + b"00001X0000" + lines[1][90:]
    error = _error(_join([lines[0], bad_amount, *lines[2:]]))
    assert error.record_number == 2 and "amount" in error.message


def test_the_parser_streams() -> None:
    """A generator that never holds the file: parse 45,000 records from a file object."""
    out = io.BytesIO()
    totals = zengin.write_transfer_file(_header(), _records(45_000), out)
    out.seek(0)
    tracemalloc.start()
    count = 0
    for item in zengin.parse_transfer_file(out, year=2026):
        count += isinstance(item, TransferRecord)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == totals.count == 45_000
    assert peak < 2_000_000  # the file is 5.5 MB; the parser keeps a 64 KiB window


def test_writer_refuses_what_does_not_fit_naming_the_record() -> None:
    records = list(_records(3))
    records[1].recipient_kana = "ﾔﾏﾀﾞ 太郎"
    with pytest.raises(ZenginFormatError) as caught:
        zengin.write_transfer_file(_header(), records, io.BytesIO())
    assert caught.value.record_number == 3 and "太" in caught.value.message
    records[1].recipient_kana = "ｱ" * 31
    with pytest.raises(ZenginFormatError):
        zengin.write_transfer_file(_header(), records, io.BytesIO())
    records[1].recipient_kana = "ｱ"
    records[1].account_number = "12345678"
    with pytest.raises(ZenginFormatError):
        zengin.write_transfer_file(_header(), records, io.BytesIO())
    records[1].account_number = "1"
    records[1].account_type = 3
    with pytest.raises(ZenginFormatError):
        zengin.write_transfer_file(_header(), records, io.BytesIO())
    records[1].account_type = 1
    records[1].amount = -1
    with pytest.raises(ZenginFormatError):
        zengin.write_transfer_file(_header(), records, io.BytesIO())


def test_long_bank_names_are_cut_to_their_field() -> None:
    record = next(_records(1))
    record.bank_name_kana = "ｱ" * 20
    out = io.BytesIO()
    zengin.write_transfer_file(_header(), [record], out)
    parsed = list(zengin.parse_transfer_file(io.BytesIO(out.getvalue()), year=2026))
    assert isinstance(parsed[1], TransferRecord) and parsed[1].bank_name_kana == "ｱ" * 15


# --- 振込不能 -----------------------------------------------------------------------------------


def _result_file(codes: list[bytes]) -> bytes:
    lines = _lines(_file(len(codes)))
    for i, code in enumerate(codes, start=1):
        lines[i] = lines[i][:113] + code + lines[i][114:]
    return _join(lines)


def test_unpaid_results_name_exactly_the_unpaid_payments() -> None:
    data = _result_file([b"0", b"1", b" ", b"3"])
    unpaid = list(zengin.parse_unpaid_results(io.BytesIO(data), year=2026))
    assert [(u.customer_code, u.reason_code, u.record_number) for u in unpaid] == [
        ("P000000001", "1", 3),
        ("P000000003", "3", 5),
    ]
    first = unpaid[0]
    assert (first.bank_code, first.branch_code, first.account_number, first.amount) == (
        "0005",
        "001",
        "0000001",
        100_001,
    )
    assert first.reason == zengin.unpaid_reasons()["1"]


def test_unpaid_results_refuse_an_unknown_code_and_a_bad_trailer() -> None:
    with pytest.raises(ZenginFormatError) as caught:
        list(zengin.parse_unpaid_results(io.BytesIO(_result_file([b"0", b"X"])), year=2026))
    assert caught.value.record_number == 3
    lines = _lines(_result_file([b"1"]))
    lines[2] = b"8000002" + lines[2][7:]
    with pytest.raises(ZenginFormatError) as caught:
        list(zengin.parse_unpaid_results(io.BytesIO(_join(lines)), year=2026))
    assert caught.value.record_number == 3


def test_display_in_full_width() -> None:
    assert zengin.zengin_kana_display("ﾖｼﾀﾞ ﾀﾛｳ(ｶ)") == "ヨシダ タロウ(カ)"
    assert zengin.to_zengin_kana(zengin.zengin_kana_display("ｶﾞﾂｺｳ ﾊﾟﾝ 12")) == "ｶﾞﾂｺｳ ﾊﾟﾝ 12"


def test_the_documented_byte_positions_are_the_code_s() -> None:
    """docs/campaigns-payments.md's tables list the same fields as the position tables here."""
    import re
    from pathlib import Path

    doc = (Path(__file__).resolve().parents[4] / "docs" / "campaigns-payments.md").read_text()

    def rows(title: str) -> list[tuple[int, int]]:
        section = doc.split(title, 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        found = []
        for start, end, length in re.findall(r"^\| (\d+)(?:–(\d+))? \| (\d+) \|", section, re.M):
            assert int(end or start) - int(start) + 1 == int(length)
            found.append((int(start), int(length)))
        return found

    assert rows("### Header record") == [(s, n) for _f, s, n in zengin.HEADER_FIELDS]
    assert rows("### Data record") == [(s, n) for _f, s, n in zengin.DATA_FIELDS]
    for fields in (zengin.HEADER_FIELDS, zengin.DATA_FIELDS, zengin.TRAILER_FIELDS):
        assert sum(n for _f, _s, n in fields) == 120
