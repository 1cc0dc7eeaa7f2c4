"""The category suggestion (trained on a small mixed Russian/Kazakh corpus) and the detection of
repeated and duplicate appeals."""

from __future__ import annotations

import datetime as dt
import os
import random
import time
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import timezone

from amanat.appeals import classifier, intelligence
from amanat.appeals.choices import AppealStatus, LinkKind
from amanat.appeals.intelligence import find_similar, normalise_address, suggest_category
from amanat.appeals.models import AppealLink, Category
from amanat.appeals.services.transitions import appeal_link, appeal_transition
from amanat.appeals.workflow import Transition
from amanat.core.sweep import registered_jobs
from amanat.org.tests.factories import valid_iin

pytestmark = pytest.mark.django_db

# A small corpus: per category, sentences in Russian and in Kazakh that are mixed at random.
CORPUS: dict[str, dict[str, list[str]]] = {
    "heating": {
        "ru": [
            "В квартирах холодно, батареи еле тёплые.",
            "Третью неделю нет отопления в доме.",
            "Просим восстановить подачу тепла и сделать перерасчёт за отопление.",
            "Котельная не работает, радиаторы холодные.",
            "Стояки отопления холодные, дети болеют.",
        ],
        "kk": [
            "Пәтерлер суық, радиаторлар әрең жылы.",
            "Үш аптадан бері үйде жылу жоқ.",
            "Жылу беруді қалпына келтіруді сұраймыз.",
            "Қазандық жұмыс істемейді, жылу желілері суық.",
            "Жылыту маусымы басталды, бірақ құбырлар суық.",
        ],
    },
    "water": {
        "ru": [
            "Из крана идёт ржавая вода с запахом.",
            "Нет питьевой воды вторую неделю.",
            "Просим восстановить водоснабжение и заменить трубы водопровода.",
            "Слабый напор воды, воду дают только ночью.",
            "Прорвало водопровод, вода течёт по улице.",
        ],
        "kk": [
            "Краннан лай су ағады, оны ішуге болмайды.",
            "Ауылда екі аптадан бері ауыз су жоқ.",
            "Сумен жабдықтауды қалпына келтіруді сұраймыз.",
            "Судың қысымы әлсіз, су тек түнде беріледі.",
            "Су құбыры жарылып, су көшеге ағып жатыр.",
        ],
    },
    "roads": {
        "ru": [
            "На дороге огромные ямы, машины ломаются.",
            "Асфальт разбит, после дождя лужи по колено.",
            "Просим отремонтировать дорогу и установить освещение.",
            "Нет тротуара, дети идут в школу по проезжей части.",
            "Автобус по маршруту не ходит, дорога разбита.",
        ],
        "kk": [
            "Жолда үлкен шұңқырлар бар, көліктер бұзылады.",
            "Асфальт бұзылған, жаңбырдан кейін көлшік.",
            "Жолды жөндеп, жарық орнатуды сұраймыз.",
            "Жаяу жүргіншілер жолы жоқ, балалар мектепке көлік жолымен барады.",
            "Автобус жүрмейді, жол қирап жатыр.",
        ],
    },
    "social": {
        "ru": [
            "Прошу оказать материальную помощь многодетной семье.",
            "Мне отказали в назначении пособия по инвалидности.",
            "Пенсию пересчитали неправильно, прошу проверить.",
            "Просим выделить путёвку в санаторий пенсионеру.",
            "Адресную социальную помощь перестали выплачивать.",
        ],
        "kk": [
            "Көп балалы отбасына материалдық көмек көрсетуді сұраймын.",
            "Мүгедектік бойынша жәрдемақы тағайындаудан бас тартты.",
            "Зейнетақы дұрыс есептелмеді, тексеруді сұраймын.",
            "Зейнеткерге шипажайға жолдама бөлуді сұраймыз.",
            "Атаулы әлеуметтік көмек төленбей қалды.",
        ],
    },
}
OPENINGS = {"ru": ["Здравствуйте!", "Уважаемый депутат!", ""], "kk": ["Сәлеметсіз бе!", "Құрметті депутат!", ""]}


def corpus_text(rng: random.Random, code: str, language: str) -> str:
    sentences = rng.sample(CORPUS[code][language], k=3)
    return " ".join(s for s in [rng.choice(OPENINGS[language]), *sentences] if s)


@pytest.fixture
def model_file(tmp_path: Any, settings: Any) -> Any:
    settings.APPEAL_CLASSIFIER_PATH = str(tmp_path / "var" / "appeals-classifier.joblib")
    classifier.forget()
    yield tmp_path / "var" / "appeals-classifier.joblib"
    classifier.forget()


@pytest.fixture
def corpus(cats: Any, appeal_factory: Any) -> Any:
    """64 categorised appeals, 8 per category and language, a month old (outside no window)."""
    rng = random.Random(7)
    received = timezone.now() - dt.timedelta(days=30)
    for code in CORPUS:
        for language in ("ru", "kk"):
            for _ in range(8):
                appeal_factory(
                    text=corpus_text(rng, code, language),
                    language=language,
                    category=getattr(cats, code),
                    received_at=received,
                    applicant_phone="",
                    applicant_email="a@example.kz",
                )
    return cats


# --- the category suggestion -----------------------------------------------------------------


def test_no_model_means_no_suggestion(model_file, cats):
    assert not model_file.exists()
    assert suggest_category("В квартире холодно, нет отопления") == []


def test_trained_model_suggests_the_right_category_in_russian_and_kazakh(model_file, corpus):
    result = classifier.train(min_appeals=50)
    assert result is not None and result.size == 64 and result.categories == 4
    assert model_file.exists()

    ru = suggest_category("Добрый день. У нас в доме батареи холодные, отопления нет уже месяц.")
    assert ru[0].category == corpus.heating
    assert len(ru) == 3
    assert ru[0].confidence > ru[1].confidence >= ru[2].confidence
    assert all(0.0 <= s.confidence <= 1.0 for s in ru)

    kk = suggest_category("Біздің ауылда ауыз су жоқ, краннан лай су ағады.")
    assert kk[0].category == corpus.water
    assert suggest_category("Жолда шұңқырлар көп, асфальт бұзылған", limit=1)[0].category == corpus.roads
    assert suggest_category("   ") == []


def test_prediction_takes_a_few_milliseconds(model_file, corpus):
    classifier.train(min_appeals=50)
    suggest_category("прогрев")  # the first call loads the file
    started = time.perf_counter()
    for _ in range(20):
        suggest_category("Пенсию пересчитали неправильно, прошу проверить и оказать помощь.")
    assert (time.perf_counter() - started) / 20 < 0.05


def test_categories_out_of_use_are_not_suggested(model_file, corpus):
    classifier.train(min_appeals=50)
    Category.objects.filter(pk=corpus.heating.pk).update(is_active=False)
    suggestions = suggest_category("Нет отопления, батареи холодные.")
    assert corpus.heating not in [s.category for s in suggestions]


def test_model_is_reloaded_when_the_file_changes(model_file, corpus):
    classifier.train(min_appeals=50)
    first = classifier.load()
    assert classifier.load() is first  # cached in the process
    classifier.train(min_appeals=50)
    stat = model_file.stat()
    os.utime(model_file, ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert classifier.load() is not first


def test_too_few_appeals_trains_nothing(model_file, cats, appeal_factory):
    appeal_factory(category=cats.roads)
    assert classifier.train() is None
    assert not model_file.exists()
    assert intelligence.train_classifier() == "too few categorised appeals"


def test_sweep_job_trains_when_missing_and_then_stays_quiet(model_file, corpus):
    assert "appeals.train_classifier" in registered_jobs()
    # The sweep only enqueues the training (tests run tasks at once); the worker trains.
    assert intelligence.train_classifier() == "training enqueued"
    assert model_file.exists()
    assert classifier.load() is not None
    assert intelligence.train_classifier() == "model is fresh"
    day_old = time.time() - 25 * 3600
    os.utime(model_file, (day_old, day_old))
    assert intelligence.train_classifier() == "training enqueued"
    assert model_file.stat().st_mtime > day_old + 3600


def test_appeals_train_command(model_file, corpus, capsys):
    call_command("appeals_train", "--min", "10")
    assert "Trained on 64 appeals in 4 categories" in capsys.readouterr().out
    assert model_file.exists()


# --- similar appeals -------------------------------------------------------------------------


def test_address_normalisation():
    assert normalise_address("Ул. Абая,  д.5 ") == normalise_address("ул абая д 5") == "ул абая д 5"


def test_same_applicant_by_iin_and_by_phone(appeal_factory, cats):
    iin = valid_iin()
    earlier = appeal_factory(applicant_iin=iin, applicant_phone="+77015550000", category=cats.roads)
    other = appeal_factory(applicant_phone="+77019999999")
    found = find_similar(text="Совсем другая тема", applicant_iin=iin, applicant_phone="87015550000")
    assert [s.appeal for s in found] == [earlier]
    assert found[0].reasons == ["Same applicant (IIN)", "Same phone"]
    assert other not in [s.appeal for s in found]


def test_same_address_and_category(appeal_factory, cats):
    earlier = appeal_factory(address="ул. Абая, д. 5", category=cats.heating, applicant_phone="+77010000001")
    appeal_factory(address="ул. Абая, д. 5", category=cats.roads, applicant_phone="+77010000002")
    found = find_similar(text="", address="УЛ АБАЯ  Д 5", category=cats.heating)
    assert [s.appeal for s in found] == [earlier]
    assert found[0].reasons == ["Same address and category"]


def test_similar_text_without_a_model_uses_shared_words(model_file, appeal_factory, cats):
    text = "В доме по улице Абая 5 третью неделю нет отопления, батареи холодные, дети болеют."
    earlier = appeal_factory(text=text, category=cats.heating, applicant_phone="+77010000003")
    appeal_factory(text="Прошу отремонтировать дорогу на улице Сатпаева.", category=cats.heating)
    found = find_similar(
        text="В доме по улице Абая 5 третью неделю нет отопления, батареи холодные!", category=cats.heating
    )
    assert [s.appeal for s in found] == [earlier]
    (reason,) = found[0].reasons
    assert reason.startswith("Similar text (") and reason.endswith(" %)")


def test_similar_text_with_the_model(model_file, corpus, appeal_factory):
    classifier.train(min_appeals=50)
    text = "Уважаемый депутат! В нашем доме по улице Махамбета 12 нет горячей воды и отопления с октября."
    earlier = appeal_factory(text=text, territory=None, applicant_phone="+77010000004")
    found = find_similar(text=text.replace("Уважаемый депутат! ", ""))
    assert found and found[0].appeal == earlier
    assert any(r.startswith("Similar text") for r in found[0].reasons)


def test_old_and_merged_appeals_and_the_appeal_itself_are_left_out(appeal_factory, settings):
    settings.APPEAL_SIMILAR_DAYS = 30
    old = appeal_factory(applicant_phone="+77011110000", received_at=timezone.now() - dt.timedelta(days=40))
    recent = appeal_factory(applicant_phone="+77011110000")
    assert [s.appeal for s in find_similar(text="", applicant_phone="+77011110000")] == [recent]
    assert find_similar(text="", applicant_phone="+77011110000", exclude_id=recent.pk) == []
    assert old.pk not in [s.appeal.pk for s in find_similar(text="", applicant_phone="+77011110000")]


def test_actor_sees_only_appeals_in_scope(appeal_factory, tree, staff):
    appeal_factory(org_unit=tree.inder, applicant_phone="+77012220000")
    assert find_similar(text="", applicant_phone="+77012220000", actor=staff.inder_operator)
    assert find_similar(text="", applicant_phone="+77012220000", actor=staff.makat_operator) == []


def test_find_similar_finds_what_a_merge_then_links(appeal_factory, staff, cats):
    iin = valid_iin()
    first = appeal_factory(applicant_iin=iin, category=cats.water, address="ул. Исатая 7")
    second = appeal_factory(applicant_iin=iin, category=cats.water, address="ул Исатая, 7", applicant_phone="")
    found = find_similar(
        text=second.text,
        applicant_iin=iin,
        address=second.address,
        category=cats.water,
        exclude_id=second.pk,
        actor=staff.makat_operator,
    )
    assert [s.appeal for s in found] == [first]
    assert "Same applicant (IIN)" in found[0].reasons and "Same address and category" in found[0].reasons
    # The operator merges the repeat into the earlier appeal: the link is recorded.
    appeal_transition(
        appeal=second,
        transition=Transition.MERGE,
        actor=staff.makat_operator,
        reason="The same matter from the same applicant.",
        into=found[0].appeal,
    )
    second.refresh_from_db()
    assert second.status == AppealStatus.MERGED and second.duplicate_of == first
    assert AppealLink.objects.filter(from_appeal=second, to_appeal=first, kind=LinkKind.DUPLICATE).exists()
    # A merged appeal is not offered again; the original still is.
    again = find_similar(text=second.text, applicant_iin=iin)
    assert [s.appeal for s in again] == [first]


def test_link_a_repeat_found_by_phone(appeal_factory, staff):
    first = appeal_factory(applicant_phone="+77013330000")
    second = appeal_factory(applicant_phone="+7 701 333 00 00".replace(" ", ""))
    (match,) = find_similar(text="", applicant_phone="8 701 333 0000", exclude_id=second.pk)
    assert match.appeal == first and match.reasons == ["Same phone"]
    appeal_link(appeal=second, other=match.appeal, kind=LinkKind.REPEAT, actor=staff.makat_operator)
    assert AppealLink.objects.filter(from_appeal=second, to_appeal=first).exists()


def test_find_similar_runs_a_bounded_number_of_queries(
    appeal_factory, cats, tree, staff, django_assert_max_num_queries
):
    for n in range(12):
        appeal_factory(category=cats.heating, territory=tree.makat_t, address=f"ул. Абая {n}")
    iin = valid_iin()
    with django_assert_max_num_queries(10):
        found = find_similar(
            text="В доме по улице Абая 5 третью неделю нет отопления.",
            applicant_iin=iin,
            applicant_phone="+77011234567",
            address="ул. Абая 5",
            category=cats.heating,
            territory=tree.makat_t,
            actor=staff.makat_operator,
        )
    assert found[0].reasons[0] == "Same phone"
    assert len(found) == 10  # the limit
