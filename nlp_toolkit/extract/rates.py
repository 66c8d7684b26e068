"""Exchange rates: MONEY amounts in USD and KZT of the interview year, so amounts said in tenge,
som, roubles, sum and dollars can be compared.

The table is a CSV (`year,currency,per_usd,source`; `#` lines are comments) of annual average
rates in units of currency per US dollar; the shipped one is data/exchange_rates.csv (read its
header for where the figures come from and how precise they are). Users may pass their own.
"""

from __future__ import annotations

import csv
import functools
import os
from dataclasses import dataclass
from pathlib import Path

from ..errors import ToolkitError

DEFAULT_RATES = Path(__file__).parent / "data" / "exchange_rates.csv"
COLUMNS = ("year", "currency", "per_usd", "source")
NORMALISED = ("usd_low", "usd_high", "kzt_low", "kzt_high")


@dataclass(frozen=True)
class RateTable:
    path: Path
    rates: dict[str, dict[int, float]]  # currency -> year -> units per USD
    sources: dict[tuple[str, int], str]

    @classmethod
    def load(cls, path: str | os.PathLike | None = None) -> RateTable:
        """Read a rate table (default: the shipped one); every problem names the file and line."""
        return _load(str(Path(path or DEFAULT_RATES).resolve()))

    def years(self, currency: str) -> tuple[int, int] | None:
        """First and last year the table has for `currency` (None for USD, which needs no rate)."""
        years = self.rates.get(currency)
        return (min(years), max(years)) if years else None

    def per_usd(self, currency: str, year: int | None) -> float | None:
        """Units of `currency` per USD in `year`; None if the year is not in the table.

        A currency the table has no row for at all is an error (ToolkitError naming the file):
        it means the table does not fit the data, not that one year is missing.
        """
        if currency == "USD":
            return 1.0
        if currency not in self.rates:
            raise ToolkitError(f"{self.path}: no exchange rates for currency {currency!r} (the table has "
                               f"{', '.join(sorted(self.rates)) or 'none'}); add rows for it or pass a table "
                               f"that has it")
        return self.rates[currency].get(year) if year is not None else None

    def to_usd(self, amount: float, currency: str, year: int | None) -> float | None:
        """`amount` of `currency` in US dollars at the `year`'s average rate (None if no rate)."""
        rate = self.per_usd(currency, year)
        return None if rate is None else round(amount / rate, 2)

    def to_kzt(self, amount: float, currency: str, year: int | None) -> float | None:
        """`amount` of `currency` in tenge, through the dollar rates of `year` (None if either is missing)."""
        usd, kzt = self.per_usd(currency, year), self.per_usd("KZT", year)
        return None if usd is None or kzt is None else round(amount / usd * kzt, 2)

    def missing(self, currency: str | None, year: int | None) -> str | None:
        """Why an amount cannot be converted, or None if it can."""
        if year is None:
            return "no interview year (give the record a 'date' or 'year') to convert with"
        if not currency:
            return "the amount has no currency"
        for cur in dict.fromkeys((currency, "KZT")):
            if self.per_usd(cur, year) is None:
                first, last = self.years(cur)
                return f"no {cur} rate for {year} in {self.path.name} (it covers {first}-{last})"
        return None

    def normalise(self, entity: dict, year: int | None) -> dict:
        """usd_low/usd_high/kzt_low/kzt_high for a MONEY entity, rounded to cents.

        What cannot be converted is None, and `rate_note` says why (no year, a year outside the table).
        """
        out: dict = dict.fromkeys(NORMALISED)
        cur = entity.get("currency")
        reason = self.missing(cur, year)
        if cur and year is not None:
            out.update(usd_low=self.to_usd(entity["low"], cur, year), usd_high=self.to_usd(entity["high"], cur, year),
                       kzt_low=self.to_kzt(entity["low"], cur, year), kzt_high=self.to_kzt(entity["high"], cur, year))
        if reason:
            out["rate_note"] = reason
        return out


@functools.lru_cache(maxsize=8)
def _load(path: str) -> RateTable:
    p = Path(path)
    try:
        lines = p.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise ToolkitError(f"{p}: no such exchange-rate file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise ToolkitError(f"{p}: cannot read the exchange-rate file ({exc})") from None
    numbered = [(n, line) for n, line in enumerate(lines, 1) if line.strip() and not line.lstrip().startswith("#")]
    if not numbered:
        raise ToolkitError(f"{p}: empty exchange-rate file (expected columns {','.join(COLUMNS)})")
    reader = csv.reader([line for _, line in numbered])
    header = [h.strip() for h in next(reader)]
    lacking = [c for c in COLUMNS if c not in header]
    if lacking:
        raise ToolkitError(f"{p}:{numbered[0][0]}: missing column(s) {', '.join(lacking)} "
                           f"(expected {','.join(COLUMNS)}, got {','.join(header)})")
    rates: dict[str, dict[int, float]] = {}
    sources: dict[tuple[str, int], str] = {}
    for (n, _), row in zip(numbered[1:], reader):
        rec = dict(zip(header, (v.strip() for v in row)))
        where = f"{p}:{n}"
        try:
            year, rate = int(rec.get("year", "")), float(rec.get("per_usd", ""))
        except ValueError:
            raise ToolkitError(f"{where}: year must be an integer and per_usd a number, got "
                               f"{rec.get('year')!r} and {rec.get('per_usd')!r}") from None
        cur = rec.get("currency", "")
        if len(cur) != 3 or not cur.isalpha() or not cur.isupper():
            raise ToolkitError(f"{where}: currency must be an ISO 4217 code such as KZT, got {cur!r}")
        if not rate > 0:
            raise ToolkitError(f"{where}: per_usd must be positive (units of {cur} per US dollar), got {rate}")
        if year in rates.get(cur, {}):
            raise ToolkitError(f"{where}: a second {cur} rate for {year}")
        rates.setdefault(cur, {})[year] = rate
        sources[(cur, year)] = rec.get("source", "")
    return RateTable(p, rates, sources)
