"""English names of the regions (ref_regions.name_en → dim_region.name_en), made from the Chinese
names by one rule, so that 3,212 names are never typed by hand and cannot drift from it
(tests/unit/test_region_names_en.py compares the committed seed with this module's output).

The rule (docs/methodology.md, "English region names"):

- provinces: their official English short names (Gansu, Inner Mongolia, Xizang, Hong Kong, Macao),
  without "Province", "Autonomous Region", "Municipality" or "SAR": pages show them on cards and
  in pickers, where the short form reads better; every province is treated alike;
- every other unit: its proper name in Hanyu Pinyin per GB/T 16159-2012 (syllables joined, first
  letter capitalised, an apostrophe before a syllable that starts with a, o or e: Xi'an, Yan'an;
  ü kept: Lüliang), then its generic part in English: 市 City, 县 County, 区 District, 地区
  Prefecture, 盟 League, 旗 Banner, 自治州 / 自治县 / 自治旗 Autonomous Prefecture / County /
  Banner after the nationalities in English (临夏回族自治州 → Linxia Hui Autonomous Prefecture);
- a one-syllable proper name keeps its generic in pinyin, joined, before the English generic
  (岷县 → Minxian County, 城区 → Chengqu District), as place-name signs write a one-syllable
  proper name with its generic (GB 17733-2008): "Min County" would lose the name's second half;
- readings: pypinyin on the whole Chinese name (its phrase table knows many place names: 蔚县
  Yuxian, 六安 Lu'an), then the few readings place names always take (PLACE_READINGS), then
  whole-name exceptions (READING_EXCEPTIONS), each with where the reading comes from.

Run `python -m pipelines.reference.region_names_en` to rewrite the seed's name_en column.
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

from pypinyin import lazy_pinyin

from pipelines.paths import SEEDS_DIR

SEED = SEEDS_DIR / "ref_regions.csv"

# Official English short names (the central government's English portal, english.www.gov.cn,
# "Provinces"; Xizang as written there since 2023; Macao as the SAR's Basic Law writes it).
PROVINCES = {
    "北京市": "Beijing", "天津市": "Tianjin", "河北省": "Hebei", "山西省": "Shanxi",
    "内蒙古自治区": "Inner Mongolia", "辽宁省": "Liaoning", "吉林省": "Jilin", "黑龙江省": "Heilongjiang",
    "上海市": "Shanghai", "江苏省": "Jiangsu", "浙江省": "Zhejiang", "安徽省": "Anhui", "福建省": "Fujian",
    "江西省": "Jiangxi", "山东省": "Shandong", "河南省": "Henan", "湖北省": "Hubei", "湖南省": "Hunan",
    "广东省": "Guangdong", "广西壮族自治区": "Guangxi", "海南省": "Hainan", "重庆市": "Chongqing",
    "四川省": "Sichuan", "贵州省": "Guizhou", "云南省": "Yunnan", "西藏自治区": "Xizang",
    "陕西省": "Shaanxi", "甘肃省": "Gansu", "青海省": "Qinghai", "宁夏回族自治区": "Ningxia",
    "新疆维吾尔自治区": "Xinjiang", "台湾省": "Taiwan", "香港特别行政区": "Hong Kong",
    "澳门特别行政区": "Macao",
}

# Nationalities as the official English names of autonomous areas write them (Linxia Hui,
# Gannan Tibetan, Yanbian Korean, Haixi Mongol and Tibetan …; otherwise GB/T 3304-1991).
# A one-character name is recognised only with 族 (回族), never bare: 白, 土, 水 end place names too.
NATIONALITIES = {
    "蒙古": "Mongol", "回": "Hui", "藏": "Tibetan", "维吾尔": "Uygur", "苗": "Miao", "彝": "Yi",
    "壮": "Zhuang", "布依": "Bouyei", "朝鲜": "Korean", "满": "Manchu", "侗": "Dong", "瑶": "Yao",
    "白": "Bai", "土家": "Tujia", "哈尼": "Hani", "哈萨克": "Kazak", "傣": "Dai", "黎": "Li",
    "傈僳": "Lisu", "佤": "Va", "畲": "She", "拉祜": "Lahu", "水": "Shui", "东乡": "Dongxiang",
    "纳西": "Naxi", "景颇": "Jingpo", "柯尔克孜": "Kirgiz", "土": "Tu", "达斡尔": "Daur",
    "仫佬": "Mulao", "羌": "Qiang", "布朗": "Blang", "撒拉": "Salar", "毛南": "Maonan",
    "仡佬": "Gelao", "锡伯": "Xibe", "普米": "Pumi", "塔吉克": "Tajik", "怒": "Nu",
    "鄂温克": "Ewenki", "保安": "Bonan", "裕固": "Yugur", "独龙": "Derung", "鄂伦春": "Oroqen",
    "各": "Various Nationalities",
}

# Generic parts by division type: the Chinese suffix and its English word.
GENERICS = {
    "地级市": ("市", "City"), "县级市": ("市", "City"), "县": ("县", "County"), "市辖区": ("区", "District"),
    "地区": ("地区", "Prefecture"), "盟": ("盟", "League"), "旗": ("旗", "Banner"),
    "自治州": ("自治州", "Autonomous Prefecture"), "自治县": ("自治县", "Autonomous County"),
    "自治旗": ("自治旗", "Autonomous Banner"), "林区": ("林区", "Forestry District"),
    "特区": ("特区", "Special District"),
}

# Banner names end in their position (科尔沁右翼前旗, 土默特左旗): translated, not transliterated.
POSITIONS = {"左翼": "Left Wing", "右翼": "Right Wing", "联合": "United", "左": "Left", "右": "Right",
             "前": "Front", "后": "Rear", "中": "Middle"}

# Readings place names take wherever the character occurs (Xiandai Hanyu Cidian, 7th ed., gives
# these as the place-name readings), where pypinyin's everyday reading differs: 丰都 Fengdu,
# 长垣 Changyuan, 朝阳 Chaoyang, 民乐 Minle, 阿城 Acheng, 克什克腾 Keshiketeng,
# 阿勒泰 Aletai, 佛山 Foshan.
PLACE_READINGS = {"都": "du", "长": "chang", "朝": "chao", "乐": "le", "阿": "a", "什": "shi", "勒": "le", "佛": "fo"}

# Whole proper names read otherwise (Xiandai Hanyu Cidian, 7th ed., which notes each of these
# place-name readings; 现代汉语词典 "地名" entries). Syllables separated by spaces.
READING_EXCEPTIONS = {
    "六安": "lu an", "六合": "lu he", "长子": "zhang zi", "乐清": "yue qing", "乐亭": "lao ting",
    "涡阳": "guo yang", "宕昌": "tan chang", "单": "shan", "洪洞": "hong tong", "东阿": "dong e",
    "荥经": "ying jing", "荥阳": "xing yang", "浚": "xun", "叶": "she", "繁峙": "fan shi",
    "伽师": "jia shi", "什邡": "shi fang", "筠连": "jun lian", "吴堡": "wu bu", "铅山": "yan shan",
    "番禺": "pan yu", "蚌埠": "beng bu", "丽水": "li shui", "莘": "shen", "大足": "da zu",
    "蔚": "yu", "尉犁": "yu li", "牟平": "mu ping", "中牟": "zhong mou", "犍为": "qian wei",
    "闵行": "min hang", "曾都": "zeng du", "蚌山": "beng shan", "泊头": "bo tou", "珲春": "hun chun",
}

# Units whose English name is not made by the rule: the new areas' official names (their
# administrations' English sites) and the one district named after a nationality.
NAMES = {
    "滨海新区": "Binhai New Area", "浦东新区": "Pudong New Area", "两江新区": "Liangjiang New Area",
    "沈北新区": "Shenbei New District", "梅里斯达斡尔族区": "Meilisi Daur District",
}

_APOSTROPHE_BEFORE = re.compile(r"^[aoe]")
_NATIONALITY_KEYS = sorted(NATIONALITIES, key=len, reverse=True)
_POSITION_KEYS = sorted(POSITIONS, key=len, reverse=True)


def syllables(proper: str, context: str) -> list[str]:
    """The pinyin syllables of `proper`, read in the context of the whole name `context` (which
    starts with it): exceptions first, then the place-name readings, then pypinyin."""
    if proper in READING_EXCEPTIONS:
        return READING_EXCEPTIONS[proper].split()
    read = lazy_pinyin(context, v_to_u=True)[: len(proper)]
    return [PLACE_READINGS.get(char, syllable) for char, syllable in zip(proper, read, strict=True)]


def pinyin_word(parts: list[str]) -> str:
    """Syllables joined into one capitalised word, with GB/T 16159's apostrophe (Xi'an)."""
    word = parts[0] + "".join(f"'{p}" if _APOSTROPHE_BEFORE.match(p) else p for p in parts[1:])
    return word[:1].upper() + word[1:]


def _split_nationalities(stem: str) -> tuple[str, list[str]]:
    """(proper name, nationalities in English in their order) of an autonomous unit's stem."""
    found: list[str] = []
    while True:
        for key in _NATIONALITY_KEYS:
            for spelled in (f"{key}族", key) if len(key) > 1 else (f"{key}族",):
                if stem.endswith(spelled):
                    found.insert(0, NATIONALITIES[key])
                    stem = stem[: -len(spelled)]
                    break
            else:
                continue
            break
        else:
            return stem, found


def _joined(words: list[str]) -> str:
    return words[0] if len(words) == 1 else ", ".join(words[:-1]) + " and " + words[-1]


def _split_positions(stem: str) -> tuple[str, list[str]]:
    """A banner's stem without its trailing positions (科尔沁右翼前 → 科尔沁, Right Wing Front)."""
    found: list[str] = []
    while len(stem) > 2:
        key = next((k for k in _POSITION_KEYS if stem.endswith(k)), None)
        if key is None:
            break
        found.insert(0, POSITIONS[key])
        stem = stem[: -len(key)]
    return stem, found


def name_en(name_zh: str, division_type: str) -> str:
    """The English name of one region from its Chinese name and division type (module docstring)."""
    if name_zh in PROVINCES:
        return PROVINCES[name_zh]
    if name_zh in NAMES:
        return NAMES[name_zh]
    suffix, generic = GENERICS[division_type]
    if not name_zh.endswith(suffix):
        raise ValueError(f"{name_zh}: a {division_type} should end in {suffix}")
    stem = name_zh[: -len(suffix)]
    nationalities: list[str] = []
    if division_type.startswith("自治"):
        stem, nationalities = _split_nationalities(stem)
        if not nationalities:
            raise ValueError(f"{name_zh}: no nationality found before {suffix}")
    stem, positions = _split_positions(stem) if "旗" in suffix or "左翼" in stem else (stem, [])
    if not stem:  # 东乡族自治县, 鄂伦春自治旗: the unit is named after its nationality
        return " ".join([_joined(nationalities), generic])
    read = syllables(stem, name_zh)
    if len(stem) == 1 and not nationalities and not positions:
        # A one-syllable proper name keeps its generic in pinyin (岷县 Minxian County).
        read += lazy_pinyin(suffix)
    words = [pinyin_word(read), *positions]
    if nationalities:
        words.append(_joined(nationalities))
    return " ".join([*words, generic])


def seed_rows(seed: Path = SEED) -> list[dict[str, str]]:
    with seed.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


# Appended to each row's source, so that the seed says where its English names come from.
NAME_EN_SOURCE = "; name_en: pipelines/reference/region_names_en.py (official short names; GB/T 16159 pinyin)"


def seed_text(rows: list[dict[str, str]]) -> str:
    """The seed with name_en (after name) as this module makes it and the source naming it; every
    other column unchanged."""
    columns = [c for c in rows[0] if c != "name_en"]
    columns.insert(columns.index("name") + 1, "name_en")
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    for row in rows:
        source = row["source"].removesuffix(NAME_EN_SOURCE) + NAME_EN_SOURCE
        writer.writerow({**row, "name_en": name_en(row["name"], row["division_type"]), "source": source})
    return buffer.getvalue()


if __name__ == "__main__":
    SEED.write_text(seed_text(seed_rows()), encoding="utf-8")
    print(f"wrote name_en into {SEED}")
