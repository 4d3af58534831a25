-- Every enterprise report line (every version) with its CO2 recomputed by the platform.
--   combustion:  amount × NCV × CC / 1000 × OF × 44/12, each parameter the line's measured value
--                where given, else the default of ref_fuel_emission_factors (var factor_set);
--                factor_basis says which: 'measured' (all three), 'partial', 'default'
--   process:     activity × the line's emission factor
--   electricity: MWh × the line's factor, or the region-year grid factor when blank
--   heat:        GJ × the line's factor, or the seed default (ref_enterprise_default_factors)
with

lines as (
    select * from {{ ref('stg_raw__enterprise_report_lines') }}
),

defaults as (
    select * from {{ ref('stg_reference__fuel_emission_factors') }}
    where factor_set = '{{ var("factor_set") }}'
),

grid as (
    select region_code, year, grid_factor_tco2_per_mwh from {{ ref('int_grid_factor_by_region_year') }}
),

heat_default as (
    select value as heat_tco2_per_gj from {{ ref('ref_enterprise_default_factors') }}
    where factor_code = 'heat_tco2_per_gj'
),

parameters as (
    select
        lines.*,
        coalesce(lines.ncv_gj_per_unit, defaults.ncv_gj_per_unit)                     as ncv_used,
        coalesce(lines.carbon_content_tc_per_tj, defaults.carbon_content_tc_per_tj)   as carbon_content_used,
        coalesce(lines.oxidation_fraction, defaults.oxidation_fraction)               as oxidation_used,
        case
            when lines.source_category = 'electricity'
                then coalesce(lines.emission_factor, grid.grid_factor_tco2_per_mwh)
            when lines.source_category = 'heat'
                then coalesce(lines.emission_factor, heat_default.heat_tco2_per_gj)
            else lines.emission_factor
        end                                                                           as emission_factor_used,
        case
            when lines.source_category <> 'combustion' then
                case when lines.emission_factor is not null then 'measured' else 'default' end
            when lines.ncv_gj_per_unit is not null and lines.carbon_content_tc_per_tj is not null
                 and lines.oxidation_fraction is not null then 'measured'
            when lines.ncv_gj_per_unit is not null or lines.carbon_content_tc_per_tj is not null
                 or lines.oxidation_fraction is not null then 'partial'
            else 'default'
        end                                                                           as factor_basis
    from lines
    left join defaults on lines.fuel_code = defaults.fuel_code
    left join grid on lines.region_code = grid.region_code and lines.report_year = grid.year
    cross join heat_default
)

select
    *,
    case
        when source_category = 'combustion'
            then {{ combustion_co2_t('activity_value', 'ncv_used', 'carbon_content_used', 'oxidation_used') }}
        else activity_value * emission_factor_used
    end as co2_t,
    '{{ var("factor_set") }}' as factor_set
from parameters
