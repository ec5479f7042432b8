"""The translation checks (workflow.checks): each check on real sentences, right and wrong, in Khmer and Chinese;
``briefdesk check`` and ``eval checks`` through the real CLI."""

import json

import pytest
from click.testing import CliRunner

from tests.conftest import CORPUS
from workflow import checks
from workflow.checks import numbers
from workflow.cli import main

EN = ("Hor Namhong told reporters before his departure both sides want to see trade between them increased to "
      "$5 billion in 2017.")
ZH = "贺南洪在出发前对记者说，双方希望到 2017 年将双边贸易额提高到 50 亿美元。"
KM = "លោក ហោ ណាំហុង បានប្រាប់អ្នកសារព័ត៌មានថា ភាគីទាំងពីរចង់ឃើញពាណិជ្ជកម្មកើនដល់ ៥ ពាន់លានដុល្លារ នៅឆ្នាំ ២០១៧។"


def found(en, text, lang, name=None):
    return [(i.check, i.detail) for i in checks.check(en, text, lang) if name is None or i.check == name]


def test_correct_translations_of_the_corpus_have_no_issue():
    import csv

    with (CORPUS / "parallel" / "reference-translations.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    assert rows and all(found(row["en"], row[lang], lang) == [] for row in rows for lang in ("km", "zh"))
    assert found(EN, ZH, "zh") == [] and found(EN, KM.replace("៥ ពាន់លាន", "៥ ប៊ីលាន"), "km") == []


@pytest.mark.parametrize(("en", "text", "lang"), [
    ("1.2 million people voted.", "120万人投票。", "zh"),
    ("1.2 million people voted.", "មនុស្ស ១,២ លាននាក់បានបោះឆ្នោត។", "km"),
    ("Turnout was 15 percent.", "投票率为百分之十五。", "zh"),
    ("Turnout was 15 percent.", "投票率为 15%。", "zh"),
    ("Three people died on March 3, 2019.", "2019年3月3日，3人死亡。", "zh"),
    ("Three people died.", "មនុស្សបីនាក់បានស្លាប់។", "km"),
    ("It happened in the 1990s.", "这发生在 20 世纪 90 年代。", "zh"),
    ("The vote is at 5 p.m.", "投票在 17 点进行。", "zh"),
    ("Iran allocated five trillion rials.", "伊朗拨款五万亿里亚尔。", "zh"),
    ("Cases of COVID-19 rose by 20%.", "COVID-19 病例增加了 20%。", "zh"),
    ("The party won 2,000 seats.", "គណបក្សឈ្នះ ២.០០០ អាសនៈ។", "km"),
])
def test_a_number_in_another_correct_form_is_no_issue(en, text, lang):
    assert found(en, text, lang, "numbers") == []


@pytest.mark.parametrize(("text", "lang", "detail"), [
    (ZH.replace("2017", "2016"), "zh", "2016 is not in the English"),
    (ZH.replace("50 亿", "5 亿"), "zh", "5 billion is not in the translation"),
    (ZH.replace("到 2017 年", ""), "zh", "2017 is not in the translation"),
    (KM.replace("២០១៧", "២០១៨"), "km", "2018 is not in the English"),
    (KM.replace(" ៥ ពាន់លាន", " ៥០ ពាន់លាន"), "km", "5 billion is not in the translation"),
])
def test_a_changed_or_dropped_number_is_found(text, lang, detail):
    assert detail in [d for _, d in found(EN, text, lang, "numbers")]


def test_numbers_are_read_as_values():
    assert numbers.chinese_value("一千二百三十四") == 1234 and numbers.chinese_value("二〇一九") == 2019
    assert numbers.chinese_value("三点五") == 3.5 and numbers.chinese_value("五万亿") == 5e12
    assert {v for n in numbers.translation("១,២ លាន", "km") for v in n.values} >= {1.2e6}


def test_english_left_behind_is_found_and_kept_terms_are_not():
    en = "Patients with severe symptoms have to be supported by extracorporeal membrane oxygenation (ECMO)."
    kept = "អ្នកជំងឺដែលមានរោគសញ្ញាធ្ងន់ធ្ងរ ត្រូវតែទទួលការព្យាបាលដោយ extracorporeal membrane oxygenation (ECMO)។"
    assert found(en, kept, "km", "untranslated") == []
    assert found(EN, ZH[:20] + " want to see trade between them increased to $5 billion in 2017.", "zh",
                 "untranslated")
    assert found("Hun Sen met Xi Jinping in Beijing.", "Hun Sen 在北京会见了习近平。", "zh") == []


def test_a_loop_is_found_and_a_repetition_the_english_has_is_not():
    assert found(EN, ZH[:-1] + "美元美元美元美元。", "zh", "repetition")
    assert found(EN, KM[:-1] + " ដុល្លារ ដុល្លារ ដុល្លារ។", "km", "repetition")
    assert found("He said: ha ha ha.", "他说：哈哈哈。", "zh", "repetition") == []
    assert found("They paid 1,000,000 riel.", "他们支付了 1,000,000 瑞尔。", "zh", "repetition") == []


def test_a_cut_sentence_is_found():
    assert found(EN, ZH[:9], "zh", "omission")
    assert ("omission", "it stops mid-sentence") in found(EN, KM[:40] + "និង", "km")
    assert ("punctuation", "no full stop at the end") in found(EN, ZH[:-1], "zh")


def test_punctuation_and_preserved_tokens():
    assert ("punctuation", "the question mark is lost") in found("Who won?", "谁赢了。", "zh")
    assert ("punctuation", "( ) do not pair up") in found("He left (for good).", "他走了（永远。", "zh")
    assert found('He said "no".', "他说“不”。", "zh", "punctuation") == []
    en = "Read more at https://www.voacambodia.com/a/1.html or write to news@voa.gov."
    assert found(en, "更多内容见 https://www.voacambodia.com/a/1.html，或写信给 news@voa.gov。", "zh") == []
    assert [d for _, d in found(en, "更多内容见网站，或写信给 news@voa.gov。", "zh", "preserved")] == [
        "https://www.voacambodia.com/a/1.html is not in the translation"]


def test_check_command_writes_every_record_and_names_broken_lines(tmp_path):
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join([
        json.dumps({"id": "a", "en": EN, "zh": ZH}, ensure_ascii=False),
        "{not json",
        json.dumps({"id": "c", "en": EN}),
        json.dumps({"id": "d", "en": EN, "zh": ZH.replace("2017", "2016")}, ensure_ascii=False),
    ]), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(main, ["check", "--input-jsonl", str(source), "--to", "zh", "--output-jsonl",
                                       str(out), "--json"])
    assert result.exit_code == 1
    assert f"{source}:2: not JSON" in result.stderr and f"{source}:3: no text in 'zh'" in result.stderr
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line.get("id") for line in lines] == ["a", None, "c", "d"]
    assert lines[0]["checks"] == [] and lines[1]["line"] == 2 and "error" in lines[2]
    assert lines[3]["checks"] == [{"check": "numbers", "detail": "2017 is not in the translation"},
                                  {"check": "numbers", "detail": "2016 is not in the English"}]
    counts = json.loads(result.stdout.splitlines()[-1])
    assert counts["records"] == 2 and counts["flagged"] == 1 and counts["checks"]["numbers"] == 1
    wrong = CliRunner().invoke(main, ["check", "--input-jsonl", str(source), "--to", "fr", "--output-jsonl",
                                      str(out)])
    assert wrong.exit_code == 2 and "fr" in wrong.output


def test_eval_checks_measures_false_alarms_and_caught_faults(tmp_path):
    import csv

    with (CORPUS / "parallel" / "reference-translations.tsv").open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))
    source = tmp_path / "refs.jsonl"
    source.write_text("\n".join(json.dumps(row, ensure_ascii=False) for row in rows), encoding="utf-8")
    result = CliRunner().invoke(main, ["eval", "checks", "--input-jsonl", str(source), "--to", "zh", "--json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["sentences"] == len(rows) and data["flagged"] == 0
    for kind, fault in data["faults"].items():
        assert fault["injected"] > 0 and fault["caught"] / fault["injected"] >= 0.9, (kind, fault)
