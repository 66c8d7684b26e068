"""Shared fixtures: small transcripts written for the tests, rendered into every supported format."""

from __future__ import annotations

from pathlib import Path

import pytest

from nlp_toolkit.corpus.render import render_lines

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"

RU_TRANSCRIPT = """Интервью № 12
Респондент: Жылдыз Бакирова
Пол: женский
Возраст: 29
Откуда: Ошская область, Кара-Суйский район
Место интервью: Алматы
Дата интервью: 3 апреля 2019 г.
Интервьюер: Салтанат Осмонова
Язык интервью: русский

И: Как вы оказались в Алматы?
Р: Меня позвала соседка Гульнара, сказала, что в цеху платят хорошо.
Приехали ночью, нас встретил Марат, забрал паспорта «на регистрацию».
И: Вернул?
Р: Нет. Марат сказал: сначала отработайте дорогу.
И: Сколько вы получали?
Р: Обещали 120 тысяч тенге в месяц, а давали по 40, остальное, говорит, за жильё.
"""

KY_TRANSCRIPT = """Маек № 4
Катышуучу: Эрлан Токтогулов
Жынысы: эркек
Жашы: 41
Кайдан: Баткен облусу
Маектин орду: Бишкек
Маектин датасы: 2021-жылдын 9-октябры
Маек алган: Айпери Садыкова
Маектин тили: кыргызча

Айпери: Казакстанга кантип бардыңыз?
Эрлан: Бир тааныш жигит алып барды. Ал биздин паспортторду алып койду.
Айпери: Андан кийин эмне болду?
Эрлан: Үч ай иштедик, акча бербей коюшту. Кожоюн полицияга беребиз деп коркутту.
"""


def write_transcript(path: Path, text: str, encoding: str = "utf-8", newline: str = "lf") -> Path:
    """Render a transcript text in the format given by `path`'s suffix (txt/docx/odt)."""
    render_lines(text.rstrip("\n").split("\n"), path, encoding, newline)
    return path


@pytest.fixture
def ru_transcript() -> str:
    return RU_TRANSCRIPT


@pytest.fixture
def ky_transcript() -> str:
    return KY_TRANSCRIPT
