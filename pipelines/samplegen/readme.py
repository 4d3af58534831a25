"""sources/sample/README.md: what the sample holds, what is real, how it was made."""

from __future__ import annotations

from pathlib import Path

from pipelines.samplegen import profiles


def _command(codes: list[str], scale: float, seed: int) -> str:
    parts = ["python -m pipelines.samplegen --out sources/sample"]
    if codes != [profiles.GANSU]:
        parts.append(f"--provinces {','.join(codes)}")
    if scale != 1.0:
        parts.append(f"--scale {scale:g}")
    parts.append(f"--seed {seed}")
    return " ".join(parts)


def write_readme(out_dir: Path, codes: list[str], scale: float, seed: int, summary: dict) -> Path:
    declines = profiles.GANSU_ENERGY_INTENSITY_DECLINE.values()
    low, high = min(declines) * 100, max(declines) * 100
    real_gdp = "; ".join(f"{profiles.GANSU_GDP_CURRENT_100M_YUAN[y]:,.0f}" for y in (2005, 2010, *range(2015, 2021)))
    real_growth = ", ".join(f"{profiles.GANSU_GDP_INDEX_PREV_YEAR[y]:.1f}" for y in range(2016, 2021))
    lines = [
        "# The bundled sample (甘肃 620000)" if codes == [profiles.GANSU] else f"# Generated sample ({len(codes)} provinces)",
        "",
        "Source files in exactly the formats of `sources/README.md`, written by the seeded generator",
        "`pipelines/samplegen`. Everything except the items listed under *Real* is generated.",
        "",
        "```bash",
        _command(codes, scale, seed) + "    # or: make sample",
        "```",
        "",
        "The output is byte-identical for the same arguments (per-family random streams derived from",
        "the seed, fixed iteration order, fixed workbook creation time, no timestamps). The command",
        "rewrites only the files it owns; the real Shenzhen file and its licence are left alone.",
        "",
        "## What is here",
        "",
        "| folder | files |",
        "|---|---|",
        "| `energy_statistics/energy_balance/` | `能源平衡表_<province>_<year>.xlsx`, 2005 and 2010–2020; one sheet per region "
        "(`<adcode> <name>`: the province, its cities and counties), yearbook layout with all 30 fuel columns, "
        "physical units, 2 decimals; every sheet closes exactly as published |",
        "| `energy_statistics/industry_energy/` | `工业分行业能源消费_<province>_<year>.xlsx`, 2010–2020; one sheet per "
        "region (the province and its cities): the 41 industrial divisions (GB/T 4754-2017) × the balance's fuels, "
        "with 其中：用作原料、材料 sub-rows; the divisions cover 96–99 % of each balance 工业 cell (the rest is the "
        "unallocated residual) |",
        "| `energy_statistics/activity/` | `主要经济指标_<province>.xlsx`, sheet 主要指标: GDP, indices, industrial value "
        "added, population, electricity inflow/outflow and hydro/wind/solar generation for every region and year "
        "(electricity figures equal the balance tables' cells) |",
        "| `energy_statistics/department_indicators/` | `部门统计指标_<province>.csv`: forestry, public-institution, "
        "transport and energy-saving-industry statistics (province; for Gansu also forest coverage of the 14 cities) |",
        "| `energy_statistics/production/` | `工业产品产量_620000.csv` (Gansu only): production of 水泥熟料, 石灰, 原铝, 电石, "
        "硅铁, 硅锰合金, 合成氨, 硝酸 (万吨), 平板玻璃 (万重量箱) and the grid's SF6 refills (千克), province and cities, "
        "2010–2020; 甘南 clinker 2010 is '—' (no figure) |",
        "| `energy_statistics/inventory_activity/` | Gansu only, both with a 数据来源 column: `农业统计_620000.csv` (GBK) — "
        "year-end stock of dairy and other cattle, sheep, goats, swine, horses, donkeys, mules, camels and poultry "
        "(万头/万只/万匹/万峰), single-season rice area (千公顷), N fertiliser (万吨（折纯）) and wheat, maize, rice, beans, "
        "tubers and oilseeds production (万吨), province and cities, 2005 and 2010–2020; `废弃物统计_620000.csv` (UTF-8, "
        "no region-name column) — MSW landfilled (every year 1990–2020) and incinerated (2015–2020), hazardous waste "
        "incinerated (吨, 2010–2020), domestic BOD and BOD removed with sludge, industrial COD removed and discharged "
        "(万吨), protein per person (kg/人·年), province, 2005 and 2010–2020 |",
        "| `enterprise_reports/export/` | `温室气体排放报告_<year>.csv` (2015–2020), GBK, CRLF: one row per line per "
        "version (企业自报, 核查, 复查), except the 2020 企业自报 of carbon-market enterprises |",
        "| `enterprise_reports/workbooks/2020/` | `<credit_code>.xlsx`: the provincial template, one per carbon-market "
        "enterprise (its 2020 企业自报) |",
        "| `enterprise_reports/allocations/` | `配额分配与清缴_<year>.csv` (2019, 2020), UTF-8 with BOM: allocation and "
        "surrender per carbon-market enterprise |",
        "| `enterprise_reports/mrv/` | `核查任务_<year>.csv` (2015–2020), GBK: the verification task of every 核查 version "
        "(assigned in April of the next year), the re-check task of every 复查 version (to another of the 8 verification "
        "bodies), and consulting rows; `自备电厂_<province>.csv`, UTF-8 with BOM: ~15 enterprises outside the market with "
        "a captive power plant (4,000–20,000 千瓦, one at exactly 6,000 and one at 5,999) |",
        "| `enterprise_reports/ANOMALIES.csv` | every planted anomaly (credit_code, year, status, kind, detail), UTF-8; "
        "not a source file — the answer key for the review flags |",
        "| `enterprise_reports/MRV_CASES.csv` | every planted MRV case (credit_code, report_year, kind, detail), UTF-8; "
        "not a source file — the answer key for submission tracking and the verifier conflict rule: "
        "recheck_same_verifier, consulted_verifier, late_verification (核查 after 06-30), late_report (企业自报 after "
        "03-31), missing_verification (the 核查 version withheld from the export, and its allocation row) |",
        "| `exchange_prices/` | `<code>_daily_2014-2020.csv` for BJ TJ SH CQ HB GD SZ FJ (synthetic), and the real "
        "`shenzhen_SZA_daily_2020-12_2021-12.csv` with its licence |",
        "",
        "Encodings, on purpose varied to exercise the readers: enterprise exports GBK; Hubei and Guangdong",
        "prices GBK; Beijing prices UTF-8 with BOM; other prices UTF-8; Gansu's department statistics",
        "GB18030 (GBK cannot encode the `²` of `kgce/m²`; every other byte is what GBK would write).",
        "GBK has no `³` either, so gas volumes in the GBK exports are written `万立方米`; the workbooks",
        "use `万Nm³`. Measured NCVs appear only on solid and liquid fuel lines (GJ/t, some kJ/kg).",
        "",
        "## Real",
        "",
        "- the region list (GB/T 2260, 2024 vintage, `dbt_project/seeds/ref_regions.csv`), fuel names,",
        "  coefficients and emission factors (read from the seeds at generation time);",
        f"- Gansu's GDP at current prices for 2005, 2010 and 2015–2020 ({real_gdp} 亿元)",
        f"  and its real growth indices 2016–2020 ({real_growth});",
        "- Gansu's 2015 total energy consumption, 7,523 万tce (the generator calibrates to it), and the plan",
        "  baselines quoted in the README: 2015 energy intensity ≈ 1.1 tce per 10⁴ yuan, non-fossil share",
        "  19.1 % (a published figure; the balance tables do not reproduce it under the calorific method),",
        "  forest coverage 11.86 % in 2015;",
        "- the Shenzhen exchange's daily prices, Dec 2020 – Dec 2021 (MIT, see the licence file).",
        "",
        "## Generated",
        "",
        "- GDP 2011–2014, the other growth indices, industrial value added, population paths (close to the",
        "  published ones), every city and county figure;",
        "- the energy balances: province flows built from 2015 quantities and activity paths, calibrated",
        "  each year so that total energy follows 4,368 (2005) → 5,923 (2010) → 7,523 (2015) 万tce and then",
        f"  falls in intensity by {low:.1f}–{high:.1f} %/yr, and the electricity-adjusted CO2 per GDP trails the −17 %",
        "  path in 2016–2019 and meets it in 2020; cities sum to 95–99 % and counties to 94–98 % of their",
        "  parent (the rest is unallocated); Jinchang (2017–2018) and Qingyang (2019) are planted with",
        "  intensity rises; the smaller columns are sized from Gansu's industry (blast-furnace and converter",
        "  gas of the Jiayuguan steel works, recovered as 回收能; naphtha, bitumen, petroleum coke and",
        "  lubricants of the Lanzhou refinery; gangue burned in power plants; 其他能源 in 万吨标准煤);",
        "- the enterprises (names, credit codes with valid GB 32100 and GB 11714 check characters), their",
        "  reports, versions and anomalies, including one enterprise named `<script>alert(1)</script>某化工厂`;",
        "- the carbon-market allocations and surrenders for compliance years 2019 and 2020",
        "  (`enterprise_reports/allocations/`: free allocation 95–100 % of verified emissions, some",
        "  enterprises short);",
        "- the verification bodies (names and credit codes), their tasks and consulting, the captive power",
        "  plants, and the planted MRV cases (MRV_CASES.csv: in 2019 and 2020 two re-checks by the first",
        "  verifier, two verifications by a body that consulted, three late 核查, three late 企业自报, two",
        "  missing 核查; a few in 2016–2018); the late dates are moved in the export and the workbooks;",
        "- the pilot exchanges' 2014–2020 prices and volumes; the department statistics;",
        "- the production statistics (plausible Gansu magnitudes: clinker 16–28 Mt, primary aluminium",
        "  1.5–2.85 Mt a year, ferroalloys, calcium carbide, ammonia, nitric acid, flat glass; cities get",
        "  fixed shares with a little noise and sum to about 97 % of the province);",
        "- the inventory activity statistics, approximate Gansu magnitudes drawn through a few anchors",
        "  (around 2015: cattle 5.0 M head of which dairy 0.3 M, sheep 19 M, goats 5 M, swine 6.5 M, horses",
        "  0.3 M, donkeys 0.9 M, mules 0.5 M, camels 0.03 M, poultry 40 M; single-season rice ~4 kha; N",
        "  fertiliser ~0.4 Mt N; wheat 2.8 Mt, maize 5.8 Mt, tubers 2.3 Mt grain equivalent, beans 0.35 Mt,",
        "  oilseeds 0.7 Mt; MSW landfilled 0.6 Mt in 1990 rising to ~2.0 Mt, incinerated ~0.1 Mt in 2015",
        "  rising; domestic BOD ~0.2 Mt; industrial COD removed ~0.25 Mt and discharged ~0.06 Mt; protein",
        "  ~25 kg per person and year), linear between anchors with a little noise; cities get fixed shares",
        "  (about 97 % of the province). No buffalo and no double-season rice rows: Gansu has neither.",
        "",
    ]
    if codes == [profiles.GANSU]:
        s = summary["provinces"][profiles.GANSU]
        lines += [
            "## Gansu 2015 as the platform will compute it",
            "",
            "| figure | value |",
            "|---|---|",
            f"| total energy consumption | {s['energy_2015_tce'] / 1e4:,.0f} 万tce |",
            f"| GDP (current prices) | {s['gdp_2015_10k_yuan'] / 1e4:,.0f} 亿元 |",
            f"| energy intensity | {s['energy_intensity_2015_tce_per_10k_yuan']:.3f} tce per 10⁴ yuan |",
            f"| combustion CO2 (inventory convention) | {s['combustion_co2_2015_t'] / 1e6:,.1f} Mt |",
            f"| CO2 incl. net electricity imports (NW grid factor) | {s['co2_for_intensity_2015_t'] / 1e6:,.1f} Mt |",
            f"| reporting enterprises (market / other) | {s['enterprises_market']:,} / {s['enterprises_other']:,} |",
            f"| carbon-market CO2, latest version | {s['market_co2_2015_t'] / 1e6:,.1f} Mt |",
            f"| planted anomalies (rows in ANOMALIES.csv) | {s['anomalies']} |",
            f"| verifier tasks (2015–2020) / planted MRV cases (rows in MRV_CASES.csv) | {s['mrv_tasks']:,} / {s['mrv_cases']} |",
            f"| enterprises with a captive power plant | {s['captive_plants']} |",
            "",
        ]
    else:
        lines += [f"Provinces: {', '.join(codes)}; scale {scale:g}. Provinces other than Gansu reuse Gansu's",
                  "shapes times a size factor (2015 GDP relative to Gansu) and claim no realism.", ""]
    path = out_dir / "README.md"
    path.write_bytes("\n".join(lines).encode("utf-8"))
    return path
