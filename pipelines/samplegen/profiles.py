"""The numbers the generator is calibrated to: Gansu's series and the profiles of its cities.

What is real and what is invented is said beside every table (sources/sample/README.md repeats
it for users). Everything here is a generator parameter, not reference data: the platform never
reads this module. Provinces other than Gansu reuse Gansu's shapes multiplied by a single scale
factor (their 2015 GDP relative to Gansu's), which is enough for a benchmark and claims no realism.
"""

from __future__ import annotations

GANSU = "620000"

# Statistical years of the sample: the 11th plan's base year and the 12th/13th plan years.
STAT_YEARS: tuple[int, ...] = (2005, *range(2010, 2021))
REPORT_YEARS: tuple[int, ...] = tuple(range(2015, 2021))

# ---------------------------------------------------------------------------------------------
# Gansu GDP at current prices, 亿元. REAL: 2005, 2010, 2015–2020 (Gansu statistical yearbooks /
# bulletins). INVENTED (plausible): 2011–2014.
GANSU_GDP_CURRENT_100M_YUAN = {
    2005: 1934.0, 2010: 4121.0, 2011: 5020.0, 2012: 5650.0, 2013: 6268.0, 2014: 6837.0,
    2015: 6790.0, 2016: 7200.0, 2017: 7460.0, 2018: 8246.0, 2019: 8718.0, 2020: 9017.0,
}
# Real GDP growth index, previous year = 100. REAL: 2016–2020. INVENTED (plausible): the others,
# including the unpublished-in-the-sample 2006–2009 that chain the 2005=100 index to 2010.
GANSU_GDP_INDEX_PREV_YEAR = {
    2005: 111.8, 2006: 111.5, 2007: 112.3, 2008: 110.1, 2009: 110.3, 2010: 111.8,
    2011: 112.5, 2012: 112.6, 2013: 110.8, 2014: 108.9, 2015: 108.1,
    2016: 107.6, 2017: 103.6, 2018: 106.3, 2019: 106.2, 2020: 103.9,
}
# Industrial value added, 亿元, and its real growth index (previous year = 100). INVENTED.
GANSU_INDUSTRY_VA_100M_YUAN = {
    2005: 700.0, 2010: 1600.0, 2011: 1920.0, 2012: 2060.0, 2013: 2240.0, 2014: 2260.0,
    2015: 1580.0, 2016: 1530.0, 2017: 1540.0, 2018: 1750.0, 2019: 1800.0, 2020: 1790.0,
}
GANSU_INDUSTRY_INDEX_PREV_YEAR = {
    2006: 114.0, 2007: 115.0, 2008: 110.0, 2009: 109.0, 2010: 115.0, 2011: 114.5, 2012: 114.0,
    2013: 111.3, 2014: 109.2, 2015: 106.8, 2016: 106.2, 2017: 101.6, 2018: 104.5, 2019: 106.0, 2020: 106.5,
}
# Resident population, 万人 (approximately the published series; 2020 is the census figure).
GANSU_POPULATION_10K = {
    2005: 2594.0, 2010: 2560.0, 2011: 2564.0, 2012: 2578.0, 2013: 2582.0, 2014: 2591.0,
    2015: 2600.0, 2016: 2610.0, 2017: 2626.0, 2018: 2637.0, 2019: 2647.0, 2020: 2502.0,
}

# ---------------------------------------------------------------------------------------------
# Energy and CO2 calibration targets for the province.
# Total energy consumption, 万tce. REAL: 2015 (7,523). Brief-given shape: 2005 4,368, 2010 5,923.
GANSU_ENERGY_ANCHORS_10K_TCE = {2005: 4368.0, 2010: 5923.0, 2015: 7523.0}
# Annual energy-intensity decline 2016–2020 (fraction): ahead of the −14 % plan path
# (≈ 2.97 %/yr) but within the 3.5–5 %/yr the 13th plan years showed.
GANSU_ENERGY_INTENSITY_DECLINE = {2016: 0.037, 2017: 0.039, 2018: 0.037, 2019: 0.039, 2020: 0.038}
# Direct combustion CO2 of 2015 in the inventory convention (Mt), and the electricity-adjusted
# "CO2 for intensity" per unit of constant-price GDP relative to 2015. Chosen so the province
# is slightly behind the −17 % even path (−3.66 %, −7.19 %, …) in 2016–2018 and catches up by
# 2020, so the barometer shows yellow before green.
GANSU_DIRECT_CO2_2015_MT = 155.0
GANSU_CO2_INTENSITY_RATIO_TO_2015 = {
    2005: 1.68, 2010: 1.33, 2016: 0.972, 2017: 0.937, 2018: 0.902, 2019: 0.866, 2020: 0.828,
}

# Electricity, 亿kWh. Primary generation roughly follows Gansu's published capacity build-out
# (wind 12.52 GW and solar 6.10 GW in 2015 are real; generation figures are approximate);
# flows are invented so that Gansu is a growing net exporter.
GANSU_HYDRO_100M_KWH = {2005: 190, 2010: 260, 2011: 268, 2012: 300, 2013: 318, 2014: 335, 2015: 345,
                        2016: 330, 2017: 338, 2018: 372, 2019: 400, 2020: 395}
GANSU_WIND_100M_KWH = {2005: 1, 2010: 25, 2011: 55, 2012: 75, 2013: 100, 2014: 115, 2015: 127,
                       2016: 136, 2017: 188, 2018: 230, 2019: 241, 2020: 262}
GANSU_SOLAR_100M_KWH = {2005: 0, 2010: 0.5, 2011: 3, 2012: 8, 2013: 25, 2014: 45, 2015: 60,
                        2016: 67, 2017: 73, 2018: 98, 2019: 112, 2020: 125}
GANSU_ELECTRICITY_INFLOW_100M_KWH = {2005: 45, 2010: 62, 2011: 64, 2012: 66, 2013: 70, 2014: 68, 2015: 60,
                                     2016: 72, 2017: 66, 2018: 61, 2019: 57, 2020: 54}
GANSU_ELECTRICITY_OUTFLOW_100M_KWH = {2005: 62, 2010: 118, 2011: 140, 2012: 165, 2013: 190, 2014: 215, 2015: 250,
                                      2016: 240, 2017: 232, 2018: 260, 2019: 285, 2020: 300}
# Final electricity consumption (all sectors), 亿kWh.
GANSU_FINAL_ELECTRICITY_100M_KWH = {2005: 470, 2010: 720, 2011: 800, 2012: 880, 2013: 955, 2014: 1000,
                                    2015: 1020, 2016: 1000, 2017: 1075, 2018: 1190, 2019: 1250, 2020: 1310}

# ---------------------------------------------------------------------------------------------
# Cities (prefecture-level units). gdp_2015 (亿元) and population_2015 (万人) are close to the
# published figures; urban share, industry share and the driver weights are invented profiles
# that make each city look like itself: Lanzhou the largest (refining, chemicals), Jiayuguan
# steel, Jinchang nickel and chemicals, Baiyin nonferrous and coal power, Qingyang oil, Jiuquan
# wind and solar, Pingliang/Huating coal, Linxia and Gannan small (hydro).
# Driver weights are relative within the province (normalised per driver).
CITY_PROFILES: dict[str, dict] = {
    "620100": dict(gdp_2015=2096, population_2015=369, urban=0.81, industry=0.30, growth_pp=0.6,
                   drivers=dict(thermal_power=16, steel=8, refining=74, industry_coal=22, industry_elec=19, chemical=40,
                                coal_mining=6, oil_production=0, gas_production=0, hydro=15, wind=1, solar=2, transport=40)),
    "620200": dict(gdp_2015=190, population_2015=24.5, urban=0.93, industry=0.58, growth_pp=-1.5,
                   drivers=dict(thermal_power=8, steel=76, refining=0, industry_coal=9, industry_elec=17, chemical=1,
                                coal_mining=0, oil_production=0, gas_production=0, hydro=0, wind=0, solar=5, transport=4)),
    "620300": dict(gdp_2015=224, population_2015=47, urban=0.69, industry=0.55, growth_pp=-0.8,
                   drivers=dict(thermal_power=10, steel=0.5, refining=0, industry_coal=10, industry_elec=18, chemical=20,
                                coal_mining=1, oil_production=0, gas_production=0, hydro=0, wind=4, solar=12, transport=3)),
    "620400": dict(gdp_2015=434, population_2015=171, urban=0.48, industry=0.36, growth_pp=-0.3,
                   drivers=dict(thermal_power=15, steel=3, refining=0, industry_coal=13, industry_elec=17, chemical=15,
                                coal_mining=12, oil_production=0, gas_production=0, hydro=8, wind=4, solar=6, transport=6)),
    "620500": dict(gdp_2015=553, population_2015=330, urban=0.37, industry=0.28, growth_pp=0.4,
                   drivers=dict(thermal_power=4, steel=3, refining=0, industry_coal=5, industry_elec=3, chemical=1,
                                coal_mining=1, oil_production=0, gas_production=0, hydro=3, wind=0, solar=1, transport=8)),
    "620600": dict(gdp_2015=416, population_2015=182, urban=0.37, industry=0.28, growth_pp=0.2,
                   drivers=dict(thermal_power=8, steel=0.5, refining=0, industry_coal=6, industry_elec=4, chemical=3,
                                coal_mining=5, oil_production=0, gas_production=0, hydro=2, wind=10, solar=12, transport=6)),
    "620700": dict(gdp_2015=373, population_2015=122, urban=0.43, industry=0.24, growth_pp=0.1,
                   drivers=dict(thermal_power=7, steel=0.5, refining=0, industry_coal=5, industry_elec=3, chemical=1,
                                coal_mining=6, oil_production=0, gas_production=0, hydro=6, wind=8, solar=10, transport=5)),
    "620800": dict(gdp_2015=348, population_2015=211, urban=0.36, industry=0.32, growth_pp=0.0,
                   drivers=dict(thermal_power=14, steel=3, refining=0, industry_coal=8, industry_elec=3, chemical=12,
                                coal_mining=45, oil_production=0, gas_production=0, hydro=0, wind=0, solar=1, transport=4)),
    "620900": dict(gdp_2015=556, population_2015=111, urban=0.57, industry=0.30, growth_pp=-0.4,
                   drivers=dict(thermal_power=10, steel=4, refining=7, industry_coal=8, industry_elec=10, chemical=3,
                                coal_mining=4, oil_production=6, gas_production=10, hydro=2, wind=55, solar=35, transport=6)),
    "621000": dict(gdp_2015=611, population_2015=224, urban=0.34, industry=0.46, growth_pp=0.3,
                   drivers=dict(thermal_power=5, steel=0.5, refining=19, industry_coal=6, industry_elec=3, chemical=5,
                                coal_mining=15, oil_production=94, gas_production=90, hydro=0, wind=1, solar=2, transport=5)),
    "621100": dict(gdp_2015=280, population_2015=280, urban=0.29, industry=0.18, growth_pp=0.7,
                   drivers=dict(thermal_power=2, steel=0.5, refining=0, industry_coal=3, industry_elec=1.5, chemical=0.5,
                                coal_mining=0, oil_production=0, gas_production=0, hydro=3, wind=2, solar=3, transport=4)),
    "621200": dict(gdp_2015=339, population_2015=260, urban=0.28, industry=0.21, growth_pp=0.9,
                   drivers=dict(thermal_power=1, steel=2, refining=0, industry_coal=3, industry_elec=3, chemical=0.5,
                                coal_mining=0, oil_production=0, gas_production=0, hydro=20, wind=0, solar=0, transport=3)),
    "622900": dict(gdp_2015=213, population_2015=203, urban=0.33, industry=0.17, growth_pp=0.8,
                   drivers=dict(thermal_power=1.5, steel=0.5, refining=0, industry_coal=3, industry_elec=1.5, chemical=0.5,
                                coal_mining=0, oil_production=0, gas_production=0, hydro=22, wind=0, solar=0.5, transport=3)),
    "623000": dict(gdp_2015=131, population_2015=71, urban=0.33, industry=0.12, growth_pp=0.5,
                   drivers=dict(thermal_power=0.5, steel=0, refining=0, industry_coal=1, industry_elec=0.5, chemical=0,
                                coal_mining=0, oil_production=0, gas_production=0, hydro=15, wind=0, solar=0.5, transport=2)),
}

# Planted city anomalies for the barometer: a city whose energy-hungry industry expands faster
# than its GDP shows rising intensity (red) in these years. {city: {year: {driver: multiplier}}}
CITY_SHOCKS: dict[str, dict[int, dict[str, float]]] = {
    "620300": {2017: {"industry_elec": 1.28, "industry_coal": 1.25, "chemical": 1.3},
               2018: {"industry_elec": 1.18, "industry_coal": 1.15, "chemical": 1.2}},
    "621000": {2019: {"thermal_power": 1.45, "industry_coal": 1.35, "refining": 1.2}},
}

# Counties with a known industry: the driver weight of a county in this table is multiplied
# (other counties keep a small random weight). Values are emphasis, not data.
COUNTY_EMPHASIS: dict[str, dict[str, float]] = {
    "620102": {"gdp": 3.0, "transport": 3.0},                          # 城关区: Lanzhou centre
    "620103": {"gdp": 2.0},                                            # 七里河区
    "620104": {"refining": 40, "chemical": 12, "thermal_power": 4},    # 西固区: the refinery
    "620111": {"coal_mining": 8, "industry_elec": 8, "thermal_power": 4},  # 红古区: coal, aluminium
    "620121": {"industry_coal": 4},                                    # 永登县: cement
    "620302": {"industry_elec": 10, "chemical": 10, "industry_coal": 5, "thermal_power": 5},  # 金川区
    "620321": {"solar": 6, "wind": 6},                                 # 永昌县
    "620402": {"industry_elec": 8, "chemical": 8, "industry_coal": 3},  # 白银区: nonferrous
    "620403": {"thermal_power": 6, "coal_mining": 6},                  # 平川区
    "620421": {"thermal_power": 6, "coal_mining": 6},                  # 靖远县
    "620423": {"hydro": 4},                                            # 景泰县
    "620502": {"gdp": 2.5},                                            # 秦州区
    "620602": {"gdp": 2.5, "industry_coal": 3},                        # 凉州区
    "620621": {"wind": 6, "solar": 6},                                 # 民勤县
    "620702": {"gdp": 2.5},                                            # 甘州区
    "620725": {"coal_mining": 8, "thermal_power": 3},                  # 山丹县
    "620802": {"thermal_power": 6, "gdp": 2.0},                        # 崆峒区: Pingliang power plant
    "620881": {"coal_mining": 12, "chemical": 10, "thermal_power": 3},  # 华亭市: coal, coal chemicals
    "620902": {"gdp": 2.5, "steel": 4},                                # 肃州区
    "620921": {"solar": 6},                                            # 金塔县
    "620922": {"wind": 10, "solar": 4},                                # 瓜州县
    "620981": {"oil_production": 20, "refining": 30, "wind": 6},       # 玉门市
    "620982": {"solar": 8},                                            # 敦煌市
    "621002": {"gdp": 2.5},                                            # 西峰区
    "621021": {"refining": 30, "oil_production": 6},                   # 庆城县: Qingyang refinery
    "621022": {"oil_production": 6, "coal_mining": 4},                 # 环县
    "621023": {"oil_production": 8},                                   # 华池县
    "621024": {"oil_production": 3},                                   # 合水县
    "621026": {"coal_mining": 6},                                      # 宁县
    "621102": {"gdp": 2.5},                                            # 安定区
    "621202": {"gdp": 2.0, "hydro": 3},                                # 武都区
    "621222": {"hydro": 4},                                            # 文县
    "622901": {"gdp": 2.5},                                            # 临夏市
    "622923": {"hydro": 12, "industry_elec": 3},                       # 永靖县: Liujiaxia
    "623001": {"gdp": 2.5},                                            # 合作市
    "623023": {"hydro": 5},                                            # 舟曲县
}

# ---------------------------------------------------------------------------------------------
# Scale factors for provinces other than Gansu: approximate 2015 GDP (亿元) relative to Gansu's.
# Only a size knob for the national benchmark; the sample's realism is about Gansu alone.
PROVINCE_GDP_2015_100M_YUAN = {
    "110000": 23015, "120000": 16538, "130000": 29806, "140000": 12766, "150000": 17832,
    "210000": 28669, "220000": 14063, "230000": 15084, "310000": 25123, "320000": 70116,
    "330000": 42886, "340000": 22006, "350000": 25980, "360000": 16724, "370000": 63002,
    "410000": 37002, "420000": 29550, "430000": 28902, "440000": 72813, "450000": 16803,
    "460000": 3703, "500000": 15717, "510000": 30053, "520000": 10503, "530000": 13619,
    "540000": 1026, "610000": 18022, "620000": 6790, "630000": 2417, "640000": 2912,
    "650000": 9325, "810000": 19500, "820000": 3100,
}


def province_scale(province: str) -> float:
    """Size of a province relative to Gansu (1.0 for Gansu; 1.0 for an unknown code)."""
    return PROVINCE_GDP_2015_100M_YUAN.get(province, 6790) / 6790.0
