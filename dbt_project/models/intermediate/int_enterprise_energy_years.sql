-- Enterprise × year: comprehensive energy consumption (综合能源消费量, tce) and CO2 of the year's
-- authoritative report version — the figures the inclusion list (纳入名单) compares with its thresholds.
--   energy_tce   Σ over the version's combustion, electricity and heat lines of amount × the fuel's
--                standard-coal coefficient (ref_fuels.tce_per_unit, GB/T 2589-2020; electricity and heat
--                at their calorific equivalents, 0.1229 kgce/kWh and 0.03412 kgce/MJ). Process lines
--                carry no energy. A line whose unit is not the fuel's canonical unit is not counted
--                (the reader converts every known unit, so none is expected) and is counted in
--                lines_without_coefficient.
--   emissions_tco2e  the version's recomputed CO2 (enterprise reports carry CO2 only)
with

versions as (
    select * from {{ ref('int_enterprise_report_versions') }}
    where is_authoritative
),

lines as (
    select * from {{ ref('int_enterprise_report_lines') }}
    where source_category in ('combustion', 'electricity', 'heat')
),

fuels as (
    select fuel_code, canonical_unit, tce_per_unit from {{ ref('stg_reference__fuels') }}
),

sectors as (
    select sector_code, is_market_sector from {{ ref('stg_reference__enterprise_sectors') }}
),

line_energy as (
    select
        lines.credit_code,
        lines.report_year,
        lines.data_status,
        case when fuels.canonical_unit = lines.activity_unit then lines.activity_value * fuels.tce_per_unit end as energy_tce
    from lines
    left join fuels on fuels.fuel_code = lines.fuel_code
),

energy as (
    select
        credit_code, report_year, data_status,
        coalesce(sum(energy_tce), 0)                        as energy_tce,
        count(*) filter (where energy_tce is null)          as lines_without_coefficient
    from line_energy
    group by all
)

select
    versions.credit_code,
    versions.year,
    versions.enterprise_name,
    versions.region_code,
    versions.sector_code,
    coalesce(sectors.is_market_sector, false)                as is_market_sector,
    versions.in_ets                                          as declared_in_ets,
    versions.data_status,
    coalesce(energy.energy_tce, 0)                           as energy_tce,
    versions.co2_t                                           as emissions_tco2e,
    cast(coalesce(energy.lines_without_coefficient, 0) as integer) as lines_without_coefficient
from versions
left join energy
    on energy.credit_code = versions.credit_code and energy.report_year = versions.year
   and energy.data_status = versions.data_status
left join sectors on sectors.sector_code = versions.sector_code
