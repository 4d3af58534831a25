-- Industry combustion by division: where a region-year has an industry table, the balance's
-- final_industry combustion row of each fossil fuel (int_energy_combustion_emissions: 工业 net of
-- 其中：用作原料、材料) is split into one row per division ('industry_<division_code>', what the
-- division burned: consumption − its own raw-material use, times the allocation factor of
-- int_industry_energy_reconciliation) and one 'industry_unallocated' row with the rest, so the rows
-- of a fuel sum to the balance's row exactly and the region's totals do not change. Each row is
-- computed with the balance row's factors and combustion rule (the combustion_co2_t macro).
-- Grain: region × year × sector × fuel; sectors industry_<division> and industry_unallocated.
with

balance_industry as (
    select * from {{ ref('int_energy_combustion_emissions') }}
    where sector_code = 'final_industry'
),

reconciliation as (
    select region_code, year, fuel_code, industries_combustion_value, allocation_factor
    from {{ ref('int_industry_energy_reconciliation') }}
),

divisions as (
    select region_code, year, division_code, fuel_code, combustion_value
    from {{ ref('int_industry_energy_divisions') }}
    where combustion_value > 0
),

covered_region_years as (
    select distinct region_code, year from {{ ref('int_industry_energy_divisions') }}
),

fuels as (
    select fuel_code, tce_per_unit from {{ ref('stg_reference__fuels') }}
),

-- every balance industry row of a covered region-year, with what its divisions burned
balance_rows as (
    select
        balance_industry.*,
        coalesce(reconciliation.industries_combustion_value, 0)     as industries_combustion_value,
        coalesce(reconciliation.allocation_factor, 1.0)             as allocation_factor
    from balance_industry
    inner join covered_region_years as covered
        on covered.region_code = balance_industry.region_code and covered.year = balance_industry.year
    left join reconciliation
        on  reconciliation.region_code = balance_industry.region_code
        and reconciliation.year = balance_industry.year
        and reconciliation.fuel_code = balance_industry.fuel_code
),

split as (
    select
        balance_rows.region_code,
        balance_rows.year,
        'industry_' || divisions.division_code                      as sector_code,
        balance_rows.fuel_code,
        divisions.combustion_value * balance_rows.allocation_factor as activity_value,
        balance_rows.activity_unit,
        balance_rows.ncv_gj_per_unit,
        balance_rows.carbon_content_tc_per_tj,
        balance_rows.oxidation_fraction,
        balance_rows.factor_set,
        balance_rows.combustion_rule
    from balance_rows
    inner join divisions
        on  divisions.region_code = balance_rows.region_code
        and divisions.year = balance_rows.year
        and divisions.fuel_code = balance_rows.fuel_code
    union all
    select
        region_code,
        year,
        'industry_unallocated'                                      as sector_code,
        fuel_code,
        -- scaled divisions take the whole row (a float remainder would be a tiny negative)
        case
            when allocation_factor < 1 then least(activity_value, 0.0)
            else activity_value - industries_combustion_value
        end                                                         as activity_value,
        activity_unit,
        ncv_gj_per_unit,
        carbon_content_tc_per_tj,
        oxidation_fraction,
        factor_set,
        combustion_rule
    from balance_rows
)

select
    split.region_code,
    split.year,
    split.sector_code,
    split.fuel_code,
    split.activity_value,
    split.activity_unit,
    split.activity_value * fuels.tce_per_unit                       as energy_tce,
    split.ncv_gj_per_unit,
    split.carbon_content_tc_per_tj,
    split.oxidation_fraction,
    -- the balance row's rule (ref_fuels.combustion_rule): by-product gases carry the coke's carbon
    case
        when split.combustion_rule = 'counted' then {{ combustion_co2_t(
            'split.activity_value',
            'split.ncv_gj_per_unit',
            'split.carbon_content_tc_per_tj',
            'split.oxidation_fraction'
        ) }}
        else 0
    end                                                             as co2_t,
    split.factor_set
from split
left join fuels
    on fuels.fuel_code = split.fuel_code
