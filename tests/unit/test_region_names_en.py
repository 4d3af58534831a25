"""English region names: the rule on hand-picked cases, and the committed seed equal to the rule's
output (so that nobody edits 3,212 names by hand and the seed cannot drift from the generator)."""

from __future__ import annotations

import re

import pytest

from pipelines.reference.region_names_en import SEED, name_en, seed_rows, seed_text

# Gansu's 14 prefecture-level units.
GANSU_PREFECTURES = [
    ("兰州市", "地级市", "Lanzhou City"), ("嘉峪关市", "地级市", "Jiayuguan City"),
    ("金昌市", "地级市", "Jinchang City"), ("白银市", "地级市", "Baiyin City"),
    ("天水市", "地级市", "Tianshui City"), ("武威市", "地级市", "Wuwei City"),
    ("张掖市", "地级市", "Zhangye City"), ("平凉市", "地级市", "Pingliang City"),
    ("酒泉市", "地级市", "Jiuquan City"), ("庆阳市", "地级市", "Qingyang City"),
    ("定西市", "地级市", "Dingxi City"), ("陇南市", "地级市", "Longnan City"),
    ("临夏回族自治州", "自治州", "Linxia Hui Autonomous Prefecture"),
    ("甘南藏族自治州", "自治州", "Gannan Tibetan Autonomous Prefecture"),
]

COUNTIES_AND_OTHERS = [
    # provinces: official short names
    ("甘肃省", "省", "Gansu"), ("陕西省", "省", "Shaanxi"), ("内蒙古自治区", "自治区", "Inner Mongolia"),
    ("西藏自治区", "自治区", "Xizang"), ("香港特别行政区", "特别行政区", "Hong Kong"),
    ("澳门特别行政区", "特别行政区", "Macao"), ("重庆市", "直辖市", "Chongqing"),
    # counties, districts, county-level cities
    ("城关区", "市辖区", "Chengguan District"), ("榆中县", "县", "Yuzhong County"),
    ("敦煌市", "县级市", "Dunhuang City"), ("秦安县", "县", "Qin'an County"),
    ("东乡族自治县", "自治县", "Dongxiang Autonomous County"),
    ("积石山保安族东乡族撒拉族自治县", "自治县", "Jishishan Bonan, Dongxiang and Salar Autonomous County"),
    ("海西蒙古族藏族自治州", "自治州", "Haixi Mongol and Tibetan Autonomous Prefecture"),
    ("阿克苏地区", "地区", "Akesu Prefecture"), ("阿拉善盟", "盟", "Alashan League"),
    ("科尔沁右翼前旗", "旗", "Ke'erqin Right Wing Front Banner"),
    ("鄂伦春自治旗", "自治旗", "Oroqen Autonomous Banner"),
    ("神农架林区", "林区", "Shennongjia Forestry District"), ("六枝特区", "特区", "Liuzhi Special District"),
    # one-syllable proper names keep their generic in pinyin
    ("岷县", "县", "Minxian County"), ("荣县", "县", "Rongxian County"), ("城区", "市辖区", "Chengqu District"),
    # apostrophes and ü
    ("西安市", "地级市", "Xi'an City"), ("延安市", "地级市", "Yan'an City"), ("吕梁市", "地级市", "Lüliang City"),
]

POLYPHONES = [
    ("六安市", "地级市", "Lu'an City"), ("蚌埠市", "地级市", "Bengbu City"), ("丽水市", "地级市", "Lishui City"),
    ("番禺区", "市辖区", "Panyu District"), ("铅山县", "县", "Yanshan County"), ("莘县", "县", "Shenxian County"),
    ("乐亭县", "县", "Laoting County"), ("涡阳县", "县", "Guoyang County"), ("大足区", "市辖区", "Dazu District"),
    ("长沙市", "地级市", "Changsha City"), ("长治市", "地级市", "Changzhi City"), ("长子县", "县", "Zhangzi County"),
    ("宕昌县", "县", "Tanchang County"), ("民乐县", "县", "Minle County"), ("武都区", "市辖区", "Wudu District"),
    ("朝阳市", "地级市", "Chaoyang City"), ("乐清市", "县级市", "Yueqing City"), ("单县", "县", "Shanxian County"),
    ("洪洞县", "县", "Hongtong County"), ("闵行区", "市辖区", "Minhang District"), ("蔚县", "县", "Yuxian County"),
]


@pytest.mark.parametrize(("name_zh", "division_type", "expected"), GANSU_PREFECTURES + COUNTIES_AND_OTHERS + POLYPHONES)
def test_english_name(name_zh, division_type, expected):
    assert name_en(name_zh, division_type) == expected


def test_an_unknown_shape_is_refused_rather_than_guessed():
    with pytest.raises(ValueError):
        name_en("兰州", "地级市")  # a prefecture-level city that does not end in 市
    with pytest.raises(ValueError):
        name_en("某某自治县", "自治县")  # no nationality before 自治县


def test_the_committed_seed_is_what_the_generator_writes():
    # Rewrite with `python -m pipelines.reference.region_names_en` after changing the rule.
    assert SEED.read_text(encoding="utf-8") == seed_text(seed_rows()), "ref_regions.csv name_en drifted from the generator"


def test_every_english_name_is_ascii_letters_or_pinyin():
    allowed = re.compile(r"^[A-Za-zü' ,]+$")
    assert [row["name_en"] for row in seed_rows() if not allowed.match(row["name_en"])] == []
