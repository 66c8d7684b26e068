"""The codebook: the single source of codes, entity labels, money roles, place kinds and ILO dimensions.

Loaded and validated once; classifiers, the Label Studio config and the dataset all
ask it instead of keeping their own lists.
"""

from __future__ import annotations

import functools
import os
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import ToolkitError

DEFAULT_PATH = Path(__file__).parent / "data" / "codebook.yaml"  # -> annotation/codebook.yaml
ACTOR_LABELS = ("INTERMEDIARY", "EMPLOYER", "POLICE", "BORDER_GUARD", "OFFICIAL")
LOCATION_KINDS = ("country", "region", "city", "district", "village", "market", "border_crossing", "other")
CURRENCIES = ("KZT", "KGS", "USD", "RUB", "UZS")


@dataclass(frozen=True)
class Code:
    id: str
    ru: str
    ky: str
    definition: str
    ilo: tuple[str, ...] = ()
    cues_ru: tuple[str, ...] = ()
    en: str = ""


@dataclass(frozen=True)
class Codebook:
    path: Path
    version: int
    codes: dict[str, Code]
    entities: dict[str, dict]
    ilo: dict[str, str]
    money_roles: tuple[str, ...] = field(default=())

    @property
    def code_ids(self) -> list[str]:
        return list(self.codes)

    @property
    def labels(self) -> list[str]:
        return list(self.entities)

    def check_code(self, code: str, where: str = "") -> str:
        """Return `code` if known, else raise an error naming it, the place and the codebook."""
        if code not in self.codes:
            raise ToolkitError(f"{where + ': ' if where else ''}unknown code id {code!r} "
                               f"(not in {self.path}; valid ids: {', '.join(self.codes)})")
        return code

    def check_label(self, label: str, where: str = "") -> str:
        if label not in self.entities:
            raise ToolkitError(f"{where + ': ' if where else ''}unknown entity label {label!r} "
                               f"(not in {self.path}; valid labels: {', '.join(self.entities)})")
        return label


def _fail(path: Path, msg: str) -> ToolkitError:
    return ToolkitError(f"{path}: {msg}")


def parse_codebook(path: Path) -> Codebook:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise _fail(path, "codebook file not found") from None
    except yaml.YAMLError as exc:
        raise _fail(path, f"not valid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise _fail(path, "expected a mapping with 'codes', 'entities' and 'ilo'")
    for key in ("codes", "entities", "ilo"):
        if not isinstance(raw.get(key), dict) or not raw[key]:
            raise _fail(path, f"missing or empty section {key!r}")
    ilo = {str(k): str(v) for k, v in raw["ilo"].items()}
    codes: dict[str, Code] = {}
    for cid, spec in raw["codes"].items():
        if not isinstance(spec, dict):
            raise _fail(path, f"code {cid!r}: expected a mapping")
        for req in ("ru", "ky", "definition"):
            if not spec.get(req):
                raise _fail(path, f"code {cid!r}: missing {req!r}")
        dims = tuple(spec.get("ilo") or ())
        for d in dims:
            if d not in ilo:
                raise _fail(path, f"code {cid!r}: unknown ILO dimension {d!r} (known: {', '.join(ilo)})")
        codes[cid] = Code(id=cid, ru=spec["ru"], ky=spec["ky"], definition=spec["definition"], ilo=dims,
                          cues_ru=tuple(spec.get("cues_ru") or ()), en=spec.get("en", cid.replace("_", " ")))
    entities = {str(k): dict(v or {}) for k, v in raw["entities"].items()}
    roles = tuple((entities.get("MONEY", {}).get("roles") or {}).keys())
    return Codebook(path=path, version=int(raw.get("version", 1)), codes=codes, entities=entities, ilo=ilo,
                    money_roles=roles)


@functools.lru_cache(maxsize=8)
def _cached(path: str) -> Codebook:
    return parse_codebook(Path(path))


def load_codebook(path: str | os.PathLike | None = None) -> Codebook:
    """The codebook at `path`, else $NLP_TOOLKIT_CODEBOOK, else the project's annotation/codebook.yaml."""
    chosen = path or os.environ.get("NLP_TOOLKIT_CODEBOOK") or DEFAULT_PATH
    return _cached(str(Path(chosen).resolve()))
