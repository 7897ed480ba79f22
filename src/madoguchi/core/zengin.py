"""全銀 (Zengin) data: the half-width kana of bank transfers, the bank directory, and the
全銀協 総合振込 file with its 振込不能 result file.

Pure functions and dataclasses — no models, no database — so any app may use them. The file
layouts, position by position, are in docs/campaigns-payments.md.

- `to_zengin_kana` turns what a person types (hiragana, katakana of either width, full-width
  letters and digits) into the characters a bank accepts; `zengin_kana_problems` names the
  characters that even that conversion cannot bring into the set (a kanji, an @ ...).
- `bank`, `branch`, `banks_search`, `branches_search` read the `zengin-code` package (the
  全銀協 bank and branch codes, maintained upstream; nothing typed in here).
- `write_transfer_file` streams a 総合振込 file record by record (constant memory);
  `parse_transfer_file` reads one back and checks lengths, record order, and the trailer's
  count and total; `parse_unpaid_results` reads the 振込不能 result file.
"""

from __future__ import annotations

import datetime
import functools
import re
import unicodedata
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import BinaryIO

import jaconv
import zengin_code
from django.utils.translation import gettext as _

RECORD_LENGTH = 120
ENCODING = "cp932"  # Shift_JIS; the half-width kana are the JIS X 0201 bytes 0xA1–0xDF

# --- Kana ---------------------------------------------------------------------------------------

# Half-width katakana without the small ones (ｧ-ｯ, ｬ-ｮ: banks print them large), the sound marks
# ﾞ ﾟ, the long-vowel mark ｰ, digits, capitals, space and the few symbols the 全銀 character set
# has: ( ) - . / , \ (¥ in JIS X 0201) and the half-width brackets ｢ ｣.
_KANA = "ｦｱｲｳｴｵｶｷｸｹｺｻｼｽｾｿﾀﾁﾂﾃﾄﾅﾆﾇﾈﾉﾊﾋﾌﾍﾎﾏﾐﾑﾒﾓﾔﾕﾖﾗﾘﾙﾚﾛﾜﾝﾞﾟｰ"
ZENGIN_CHARACTERS = frozenset(_KANA + "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ ().-/,\\｢｣")

_SMALL_TO_LARGE = str.maketrans(
    {
        "ァ": "ア",
        "ィ": "イ",
        "ゥ": "ウ",
        "ェ": "エ",
        "ォ": "オ",
        "ッ": "ツ",
        "ャ": "ヤ",
        "ュ": "ユ",
        "ョ": "ヨ",
        "ヮ": "ワ",
        "ヵ": "カ",
        "ヶ": "ケ",
        "ヰ": "イ",  # not in JIS X 0201
        "ヱ": "エ",
        "ㇰ": "ク",
        "ㇱ": "シ",
        "ㇲ": "ス",
        "ㇳ": "ト",
        "ㇴ": "ヌ",
        "ㇵ": "ハ",
        "ㇶ": "ヒ",
        "ㇷ": "フ",
        "ㇸ": "ヘ",
        "ㇹ": "ホ",
        "ㇺ": "ム",
        "ㇻ": "ラ",
        "ㇼ": "リ",
        "ㇽ": "ル",
        "ㇾ": "レ",
        "ㇿ": "ロ",
        # dashes people type for a hyphen
        "\u2010": "-",
        "\u2011": "-",
        "\u2012": "-",
        "\u2013": "-",
        "\u2014": "-",
        "\u2212": "-",
        "\uff0d": "-",
        # the yen sign is the JIS X 0201 backslash
        "¥": "\\",
        "￥": "\\",
        "「": "｢",
        "」": "｣",
    }
)
_SPACES = re.compile(r"\s+")


def to_zengin_kana(text: str) -> str:
    """A holder or recipient name in 全銀 half-width kana: hiragana and katakana of either
    width → half-width katakana, small kana → large (ｬ→ﾔ, ｯ→ﾂ), ヴ → ｳﾞ, 長音 ー → ｰ,
    full-width letters, digits, space and ( ) . - / → half-width, letters upper-cased, runs of
    spaces → one, no space at either end. Characters outside the set (kanji, @ ...) are left as
    they are: `zengin_kana_problems` names them."""
    # NFKC: half-width kana → full-width (so one path handles both), full-width ASCII → ASCII.
    text = unicodedata.normalize("NFKC", text)
    text = jaconv.hira2kata(text)
    text = text.translate(_SMALL_TO_LARGE).upper()
    text = jaconv.z2h(text, kana=True, ascii=True, digit=True)
    # NFKC turned ｢ ｣ into 「 」 and back again through the table; z2h leaves them alone.
    return _SPACES.sub(" ", text).strip()


def zengin_kana_problems(text: str) -> list[str]:
    """The characters of `text` that are not in the 全銀 set even after `to_zengin_kana`
    (each once, in order of appearance) — empty when the name can be transferred."""
    seen: list[str] = []
    for character in to_zengin_kana(text):
        if character not in ZENGIN_CHARACTERS and character not in seen:
            seen.append(character)
    return seen


def zengin_kana_display(text: str) -> str:
    """全銀 half-width kana back in full-width katakana for people to read (ﾀﾞ → ダ): web fonts
    split by unicode-range do not always hold the combined half-width glyphs, and full-width
    kana read more easily. Letters, digits and symbols stay half-width."""
    return jaconv.h2z(text, kana=True, ascii=False, digit=False)


def is_zengin_text(text: str) -> bool:
    """`text` is already in the 全銀 set exactly (what a file field may hold)."""
    return all(character in ZENGIN_CHARACTERS for character in text)


# --- Bank directory -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Bank:
    code: str  # 4 digits
    name: str  # e.g. みずほ
    kana: str  # full-width katakana, as zengin-code gives it (ミズホ)

    @property
    def zengin_kana(self) -> str:
        return to_zengin_kana(self.kana)


@dataclass(frozen=True)
class Branch:
    bank_code: str
    code: str  # 3 digits
    name: str
    kana: str

    @property
    def zengin_kana(self) -> str:
        return to_zengin_kana(self.kana)


def _fold(text: str) -> str:
    """The search key: NFKC, katakana, large kana, no spaces, lower-case Latin."""
    text = unicodedata.normalize("NFKC", text)
    text = jaconv.hira2kata(text).translate(_SMALL_TO_LARGE)
    return _SPACES.sub("", text).lower()


def bank(code: str) -> Bank | None:
    found = zengin_code.Bank.all.get(code) if isinstance(code, str) else None
    if found is None:
        return None
    return Bank(code=found.code, name=found.name, kana=found.kana)


def branch(bank_code: str, branch_code: str) -> Branch | None:
    found_bank = zengin_code.Bank.all.get(bank_code) if isinstance(bank_code, str) else None
    if found_bank is None or not isinstance(branch_code, str):
        return None
    found = found_bank.branches.get(branch_code)
    if found is None:
        return None
    return Branch(bank_code=found_bank.code, code=found.code, name=found.name, kana=found.kana)


@functools.cache
def _bank_index() -> tuple[tuple[str, str, Bank], ...]:
    return tuple(
        (
            code,
            _fold(f"{b.name}{b.kana}{b.hira}{b.roma}"),
            Bank(code=code, name=b.name, kana=b.kana),
        )
        for code, b in zengin_code.Bank.all.items()
    )


@functools.lru_cache(maxsize=64)
def _branch_index(bank_code: str) -> tuple[tuple[str, str, Branch], ...]:
    found = zengin_code.Bank.all.get(bank_code)
    if found is None:
        return ()
    return tuple(
        (
            code,
            _fold(f"{b.name}{b.kana}{b.hira}{b.roma}"),
            Branch(bank_code=bank_code, code=code, name=b.name, kana=b.kana),
        )
        for code, b in found.branches.items()
    )


def _search(index: Iterable[tuple[str, str, Bank | Branch]], q: str, limit: int) -> list:  # type: ignore[type-arg]
    key = _fold(q)
    if not key:
        return []
    exact, prefix, inside = [], [], []
    for code, folded, item in index:
        if key == code:
            exact.append(item)
        elif code.startswith(key) or folded.startswith(key):
            prefix.append(item)
        elif key in folded:
            inside.append(item)
    return (exact + prefix + inside)[:limit]


def banks_search(q: str, *, limit: int = 20) -> list[Bank]:
    """Banks whose code, name or reading matches `q` (みずほ, ミズホ, ﾐｽﾞﾎ, mizuho, 0001):
    an exact code first, then prefixes, then matches inside the name."""
    return _search(_bank_index(), q, limit)


def branches_search(bank_code: str, q: str, *, limit: int = 20) -> list[Branch]:
    """The branches of one bank matching `q` by code, name or reading."""
    return _search(_branch_index(bank_code), q, limit)


# --- The 総合振込 file --------------------------------------------------------------------------


class ZenginFormatError(ValueError):
    """A file that is not a valid 全銀 file, or a value that cannot be written into one.
    `record_number` is 1-based (0 = not about one record)."""

    def __init__(self, message: str, *, record_number: int = 0) -> None:
        self.message = message
        self.record_number = record_number
        super().__init__(f"record {record_number}: {message}" if record_number else message)


# 預金種目 (account type) codes of the standard.
ACCOUNT_ORDINARY, ACCOUNT_CURRENT, ACCOUNT_SAVINGS, ACCOUNT_OTHER = 1, 2, 4, 9
ACCOUNT_TYPES = (ACCOUNT_ORDINARY, ACCOUNT_CURRENT, ACCOUNT_SAVINGS, ACCOUNT_OTHER)


@dataclass
class TransferHeader:
    """ヘッダー・レコード (1): who pays (依頼人) from which account, on which day."""

    requester_code: str  # 振込依頼人コード, 10 digits, given by the paying bank
    requester_name_kana: str  # 40
    transfer_date: datetime.date  # written as MMDD
    bank_code: str  # 仕向銀行
    bank_name_kana: str
    branch_code: str
    branch_name_kana: str
    account_type: int
    account_number: str
    type_code: str = "21"  # 種別コード: 21 総合振込
    code_division: str = "0"  # コード区分: 0 = JIS/Shift_JIS


@dataclass
class TransferRecord:
    """データ・レコード (2): one payment to one account."""

    bank_code: str
    bank_name_kana: str
    branch_code: str
    branch_name_kana: str
    account_type: int
    account_number: str
    recipient_kana: str
    amount: int
    customer_code: str = ""  # 顧客コード1 (10): how the payer finds this payment again
    new_code: str = "0"  # 新規コード: 0 other, 1 first payment, 2 details changed
    transfer_kind: str = "7"  # 振込指定区分: 7 telegraphic (テレ振込), 8 document


@dataclass(frozen=True)
class TransferTrailer:
    """トレーラ・レコード (8): the count and total of the data records before it."""

    count: int
    amount: int


@dataclass(frozen=True)
class TransferEnd:
    """エンド・レコード (9)."""


@dataclass(frozen=True)
class TransferTotals:
    count: int
    amount: int


# Position tables (1-based start, length), as docs/campaigns-payments.md lists them; the tests hold
# the writer, the parser and the docs to them.
HEADER_FIELDS = (
    ("data_division", 1, 1),
    ("type_code", 2, 2),
    ("code_division", 4, 1),
    ("requester_code", 5, 10),
    ("requester_name_kana", 15, 40),
    ("transfer_date", 55, 4),
    ("bank_code", 59, 4),
    ("bank_name_kana", 63, 15),
    ("branch_code", 78, 3),
    ("branch_name_kana", 81, 15),
    ("account_type", 96, 1),
    ("account_number", 97, 7),
    ("dummy", 104, 17),
)
DATA_FIELDS = (
    ("data_division", 1, 1),
    ("bank_code", 2, 4),
    ("bank_name_kana", 6, 15),
    ("branch_code", 21, 3),
    ("branch_name_kana", 24, 15),
    ("clearing_house", 39, 4),
    ("account_type", 43, 1),
    ("account_number", 44, 7),
    ("recipient_kana", 51, 30),
    ("amount", 81, 10),
    ("new_code", 91, 1),
    ("customer_code", 92, 10),
    ("customer_code_2", 102, 10),
    ("transfer_kind", 112, 1),
    ("edi_mark", 113, 1),
    ("dummy", 114, 7),  # 振込不能 result files: the result code at 114 (see below)
)
TRAILER_FIELDS = (
    ("data_division", 1, 1),
    ("count", 2, 6),
    ("amount", 8, 12),
    ("dummy", 20, 101),
)
END_FIELDS = (("data_division", 1, 1), ("dummy", 2, 119))
RESULT_CODE_POSITION = 114  # 振込不能 result: 1 byte, see UNPAID_REASONS

MAX_AMOUNT = 9_999_999_999
MAX_TOTAL = 999_999_999_999
MAX_COUNT = 999_999


def _numeric(value: str | int, width: int, field: str) -> bytes:
    text = str(value)
    if not text.isascii() or not text.isdigit() or len(text) > width:
        raise ZenginFormatError(
            _("%(field)s must be at most %(n)d digits: %(value)r")
            % {"field": field, "n": width, "value": text}
        )
    return text.zfill(width).encode("ascii")


def _text(value: str, width: int, field: str, *, truncate: bool = False) -> bytes:
    if not is_zengin_text(value):
        bad = "".join(sorted({c for c in value if c not in ZENGIN_CHARACTERS}))
        raise ZenginFormatError(
            _("%(field)s has characters outside the Zengin set: %(chars)s")
            % {"field": field, "chars": bad}
        )
    encoded = value.encode(ENCODING)  # every character of the set is one byte
    if len(encoded) > width:
        if not truncate:
            raise ZenginFormatError(
                _("%(field)s is longer than %(n)d characters: %(value)s")
                % {"field": field, "n": width, "value": value}
            )
        encoded = encoded[:width]
    return encoded.ljust(width, b" ")


def _header_bytes(header: TransferHeader) -> bytes:
    return b"".join(
        (
            b"1",
            _numeric(header.type_code, 2, "type_code"),
            _numeric(header.code_division, 1, "code_division"),
            _numeric(header.requester_code, 10, "requester_code"),
            _text(header.requester_name_kana, 40, "requester_name_kana", truncate=True),
            header.transfer_date.strftime("%m%d").encode("ascii"),
            _numeric(header.bank_code, 4, "bank_code"),
            _text(header.bank_name_kana, 15, "bank_name_kana", truncate=True),
            _numeric(header.branch_code, 3, "branch_code"),
            _text(header.branch_name_kana, 15, "branch_name_kana", truncate=True),
            _account_type(header.account_type),
            _numeric(header.account_number, 7, "account_number"),
            b" " * 17,
        )
    )


def _account_type(value: int) -> bytes:
    if value not in ACCOUNT_TYPES:
        raise ZenginFormatError(
            _("account_type must be 1, 2, 4 or 9: %(value)r") % {"value": value}
        )
    return str(value).encode("ascii")


def _record_bytes(record: TransferRecord) -> bytes:
    if not isinstance(record.amount, int) or record.amount < 0 or record.amount > MAX_AMOUNT:
        raise ZenginFormatError(_("amount out of range: %(value)r") % {"value": record.amount})
    return b"".join(
        (
            b"2",
            _numeric(record.bank_code, 4, "bank_code"),
            _text(record.bank_name_kana, 15, "bank_name_kana", truncate=True),
            _numeric(record.branch_code, 3, "branch_code"),
            _text(record.branch_name_kana, 15, "branch_name_kana", truncate=True),
            b" " * 4,
            _account_type(record.account_type),
            _numeric(record.account_number, 7, "account_number"),
            # The recipient name is what the bank compares with the account: never cut it.
            _text(record.recipient_kana, 30, "recipient_kana"),
            _numeric(record.amount, 10, "amount"),
            _numeric(record.new_code, 1, "new_code"),
            _text(record.customer_code, 10, "customer_code"),
            b" " * 10,
            _numeric(record.transfer_kind, 1, "transfer_kind"),
            b" ",
            b" " * 7,
        )
    )


def write_transfer_file(
    header: TransferHeader,
    records: Iterable[TransferRecord],
    out: BinaryIO,
    *,
    line_break: bool = True,
) -> TransferTotals:
    """Write a 総合振込 file: header, one data record per payment, trailer, end. Records are
    taken from the iterable one at a time and written at once (constant memory, whatever the
    count). With `line_break`, each record is followed by CR LF (most bank portals accept both;
    the parser does too). A value that does not fit raises ZenginFormatError naming the data
    record (its 1-based number in the file) — what was written so far is then incomplete."""
    end = b"\r\n" if line_break else b""
    out.write(_header_bytes(header) + end)
    count = amount = 0
    for number, record in enumerate(records, start=2):
        try:
            data = _record_bytes(record)
        except ZenginFormatError as error:
            raise ZenginFormatError(error.message, record_number=number) from None
        out.write(data + end)
        count += 1
        amount += record.amount
    if count > MAX_COUNT or amount > MAX_TOTAL:
        raise ZenginFormatError(_("too many records or too large a total for one file"))
    out.write(
        b"8" + _numeric(count, 6, "count") + _numeric(amount, 12, "amount") + b" " * 101 + end
    )
    out.write(b"9" + b" " * 119 + end)
    return TransferTotals(count=count, amount=amount)


# --- Reading ------------------------------------------------------------------------------------


def _records(fp: BinaryIO) -> Iterator[tuple[int, bytes]]:
    """The 120-byte records of a file, each with its 1-based number; CR LF or LF after each
    record (or nothing between them) and a final EOF mark (0x1A) are accepted. Reads in 64 KiB
    chunks: constant memory."""
    buffer = bytearray()
    eof = False
    number = 0
    while True:
        while not eof and len(buffer) < RECORD_LENGTH + 2:
            chunk = fp.read(64 * 1024)
            if chunk:
                buffer += chunk
            else:
                eof = True
        if number and buffer[:2] == b"\r\n":
            del buffer[:2]
        elif number and buffer[:1] == b"\n":
            del buffer[:1]
        if not buffer or buffer == b"\x1a":
            return
        number += 1
        record = bytes(buffer[:RECORD_LENGTH])
        breaks = [i for i in (record.find(b"\r"), record.find(b"\n")) if i >= 0]
        if breaks or len(record) < RECORD_LENGTH:
            raise ZenginFormatError(
                _("the record is %(n)d bytes long, not 120")
                % {"n": min(breaks) if breaks else len(record)},
                record_number=number,
            )
        del buffer[:RECORD_LENGTH]
        yield number, record


def _field(raw: bytes, start: int, length: int) -> bytes:
    return raw[start - 1 : start - 1 + length]


def _as_int(raw: bytes, start: int, length: int, name: str, number: int) -> int:
    value = _field(raw, start, length)
    if not value.isdigit():
        raise ZenginFormatError(
            _("%(field)s is not a number: %(value)r")
            % {"field": name, "value": value.decode(ENCODING, "replace")},
            record_number=number,
        )
    return int(value)


def _as_text(raw: bytes, start: int, length: int, name: str, number: int) -> str:
    try:
        return _field(raw, start, length).decode(ENCODING).rstrip(" ")
    except UnicodeDecodeError:
        raise ZenginFormatError(
            _("%(field)s is not Shift_JIS text") % {"field": name}, record_number=number
        ) from None


def _as_digits(raw: bytes, start: int, length: int, name: str, number: int) -> str:
    _as_int(raw, start, length, name, number)
    return _field(raw, start, length).decode("ascii")


def _header_from(raw: bytes, number: int, year: int | None) -> TransferHeader:
    month = _as_int(raw, 55, 2, "transfer_date", number)
    day = _as_int(raw, 57, 2, "transfer_date", number)
    try:
        transfer_date = _date_near(month, day, year)
    except ValueError:
        raise ZenginFormatError(
            _("transfer_date is not a date: %(mmdd)s") % {"mmdd": f"{month:02d}{day:02d}"},
            record_number=number,
        ) from None
    return TransferHeader(
        requester_code=_as_digits(raw, 5, 10, "requester_code", number),
        requester_name_kana=_as_text(raw, 15, 40, "requester_name_kana", number),
        transfer_date=transfer_date,
        bank_code=_as_digits(raw, 59, 4, "bank_code", number),
        bank_name_kana=_as_text(raw, 63, 15, "bank_name_kana", number),
        branch_code=_as_digits(raw, 78, 3, "branch_code", number),
        branch_name_kana=_as_text(raw, 81, 15, "branch_name_kana", number),
        account_type=_as_int(raw, 96, 1, "account_type", number),
        account_number=_as_digits(raw, 97, 7, "account_number", number),
        type_code=_as_digits(raw, 2, 2, "type_code", number),
        code_division=_as_digits(raw, 4, 1, "code_division", number),
    )


def _date_near(month: int, day: int, year: int | None) -> datetime.date:
    """MMDD → a date: in `year` if given, else the one nearest today (a transfer file names a
    day within weeks of being made)."""
    if year is not None:
        return datetime.date(year, month, day)
    today = datetime.date.today()
    candidates = []
    for y in (today.year - 1, today.year, today.year + 1):
        try:
            candidates.append(datetime.date(y, month, day))
        except ValueError:  # 29 February of a common year
            continue
    if not candidates:
        raise ValueError("no such day")
    return min(candidates, key=lambda d: abs((d - today).days))


def _record_from(raw: bytes, number: int) -> TransferRecord:
    return TransferRecord(
        bank_code=_as_digits(raw, 2, 4, "bank_code", number),
        bank_name_kana=_as_text(raw, 6, 15, "bank_name_kana", number),
        branch_code=_as_digits(raw, 21, 3, "branch_code", number),
        branch_name_kana=_as_text(raw, 24, 15, "branch_name_kana", number),
        account_type=_as_int(raw, 43, 1, "account_type", number),
        account_number=_as_digits(raw, 44, 7, "account_number", number),
        recipient_kana=_as_text(raw, 51, 30, "recipient_kana", number),
        amount=_as_int(raw, 81, 10, "amount", number),
        customer_code=_as_text(raw, 92, 10, "customer_code", number),
        new_code=_as_digits(raw, 91, 1, "new_code", number),
        transfer_kind=_as_text(raw, 112, 1, "transfer_kind", number) or "7",
    )


def _parse(
    fp: BinaryIO, *, year: int | None
) -> Iterator[tuple[int, bytes, TransferHeader | TransferRecord | TransferTrailer | TransferEnd]]:
    expected = "1"  # what may come next: "1", "2or8", "1or9", ""
    count = amount = 0
    last = 0
    for number, raw in _records(fp):
        last = number
        kind = raw[:1]
        if expected == "":
            raise ZenginFormatError(_("a record after the end record"), record_number=number)
        if kind == b"1" and expected in ("1", "1or9"):
            count = amount = 0
            expected = "2or8"
            yield number, raw, _header_from(raw, number, year)
        elif kind == b"2" and expected == "2or8":
            record = _record_from(raw, number)
            count += 1
            amount += record.amount
            yield number, raw, record
        elif kind == b"8" and expected == "2or8":
            trailer = TransferTrailer(
                count=_as_int(raw, 2, 6, "count", number),
                amount=_as_int(raw, 8, 12, "amount", number),
            )
            if trailer.count != count:
                raise ZenginFormatError(
                    _("the trailer counts %(trailer)d records, the file has %(actual)d")
                    % {"trailer": trailer.count, "actual": count},
                    record_number=number,
                )
            if trailer.amount != amount:
                raise ZenginFormatError(
                    _("the trailer's total is %(trailer)d yen, the records add up to %(actual)d")
                    % {"trailer": trailer.amount, "actual": amount},
                    record_number=number,
                )
            expected = "1or9"
            yield number, raw, trailer
        elif kind == b"9" and expected == "1or9":
            expected = ""
            yield number, raw, TransferEnd()
        else:
            wanted = {
                "1": _("a header record (1)"),
                "2or8": _("a data record (2) or the trailer (8)"),
                "1or9": _("a header record (1) or the end record (9)"),
            }[expected]
            raise ZenginFormatError(
                _("record type %(kind)r where %(wanted)s was expected")
                % {"kind": kind.decode(ENCODING, "replace"), "wanted": wanted},
                record_number=number,
            )
    if expected != "":
        raise ZenginFormatError(
            _("the file ends without its trailer and end records"), record_number=last + 1
        )


def parse_transfer_file(
    fp: BinaryIO, *, year: int | None = None
) -> Iterator[TransferHeader | TransferRecord | TransferTrailer | TransferEnd]:
    """The records of a 総合振込 file, one at a time (constant memory). Checks every record's
    length (120 bytes), the order header → data… → trailer (→ header … trailer) → end, numeric
    fields, and the trailer's count and total against the data records; a wrong file raises
    ZenginFormatError with the record number. The header's MMDD is read as a date in `year`,
    else the one nearest today."""
    for _number, _raw, item in _parse(fp, year=year):
        yield item


# --- 振込不能 results ---------------------------------------------------------------------------


@dataclass(frozen=True)
class UnpaidResult:
    customer_code: str
    bank_code: str
    branch_code: str
    account_number: str
    amount: int
    reason_code: str
    reason: str
    account_type: int = 0
    recipient_kana: str = ""
    record_number: int = 0


def unpaid_reasons() -> dict[str, str]:
    """The 不能事由 codes this platform reads at byte 114 of a result data record."""
    return {
        "1": _("No such account"),
        "2": _("Wrong account type"),
        "3": _("The name differs from the account holder"),
        "4": _("The account is closed"),
        "5": _("Stopped at the payer's request"),
        "6": _("The account is frozen"),
        "9": _("Other reason"),
    }


def parse_unpaid_results(fp: BinaryIO, *, year: int | None = None) -> Iterator[UnpaidResult]:
    """The payments a bank could not make, from its 振込不能 result file: the 総合振込 layout
    returned with a result code at byte 114 of each data record (" " or "0" = paid, skipped;
    1–9 = not paid, see `unpaid_reasons`). The whole file is checked like a transfer file
    (lengths, order, trailer); an unknown code raises ZenginFormatError."""
    reasons = unpaid_reasons()
    for number, raw, item in _parse(fp, year=year):
        if not isinstance(item, TransferRecord):
            continue
        code = _field(raw, RESULT_CODE_POSITION, 1).decode(ENCODING, "replace")
        if code in (" ", "0"):
            continue
        if code not in reasons:
            raise ZenginFormatError(
                _("unknown result code %(code)r") % {"code": code}, record_number=number
            )
        yield UnpaidResult(
            customer_code=item.customer_code,
            bank_code=item.bank_code,
            branch_code=item.branch_code,
            account_number=item.account_number,
            amount=item.amount,
            reason_code=code,
            reason=reasons[code],
            account_type=item.account_type,
            recipient_kana=item.recipient_kana,
            record_number=number,
        )
