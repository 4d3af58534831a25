-- Everything known about a region in a year: energy, direct combustion CO2, the CO2 of its net
-- electricity flows (imports added, exports deducted: docs/methodology.md "Electricity"), GDP at
-- constant prices, intensities and the comparison with the region's children. Grain: region ×
-- year, for every region-year with energy or activity data (2005 included; marts.fct_region_year
-- publishes the inventory years only).
with

regions as (
    select region_code, level, parent_code, province_code from {{ ref('stg_reference__regions') }}
),

energy as (
    select * from {{ ref('int_region_year_energy') }}
),

combustion_by_region_year as (
    select region_code, year, sum(co2_t) as co2_t
    from {{ ref('int_energy_combustion_emissions') }}
    group by region_code, year
),

activity as (
    select * from {{ ref('int_region_year_activity') }}
),

grid_factors as (
    select * from {{ ref('int_grid_factor_by_region_year') }}
),

-- The region's own power generation: the CO2 of its thermal power inputs (the 火力发电 sector of
-- the combustion emissions) and the electricity the balance's 火力发电 row puts out.
thermal_power_co2 as (
    select region_code, year, sum(co2_t) as thermal_power_co2_t
    from {{ ref('int_energy_combustion_emissions') }}
    where sector_code = 'transform_thermal_power'
    group by region_code, year
),

thermal_power_output as (
    select region_code, year, sum(value) as thermal_generation_mwh
    from {{ ref('int_energy_balance_flows') }}
    where item_code = 'transform_thermal_power'
      and fuel_code = 'electricity'
      and value > 0
    group by region_code, year
),

region_years_with_data as (
    select region_code, year from energy
    union
    select region_code, year from activity
),

-- A region-year with an energy balance but no fossil combustion emits 0 t; one without a
-- balance has no CO2 figure at all (null), whatever its GDP.
combined as (
    select
        region_years.region_code,
        region_years.year,
        regions.level,
        regions.province_code,
        regions.parent_code,
        energy.energy_consumption_tce,
        case
            when energy.region_code is not null then coalesce(combustion.co2_t, 0)
        end                                                     as co2_t,
        activity.net_electricity_import_mwh,
        grid_factors.grid_factor_tco2_per_mwh,
        grid_factors.grid_factor_set,
        -- a region-year with a balance but no thermal power row burns nothing for power: 0
        case
            when energy.region_code is not null then coalesce(thermal_power_co2.thermal_power_co2_t, 0)
        end                                                     as thermal_power_co2_t,
        case
            when energy.region_code is not null then coalesce(thermal_power_output.thermal_generation_mwh, 0)
        end                                                     as thermal_generation_mwh,
        activity.hydro_generation_mwh,
        activity.wind_generation_mwh,
        activity.solar_generation_mwh,
        activity.gdp_current_10k_yuan,
        activity.gdp_const_10k_yuan
    from region_years_with_data as region_years
    inner join regions
        on regions.region_code = region_years.region_code
    left join energy
        on energy.region_code = region_years.region_code and energy.year = region_years.year
    left join combustion_by_region_year as combustion
        on combustion.region_code = region_years.region_code and combustion.year = region_years.year
    left join activity
        on activity.region_code = region_years.region_code and activity.year = region_years.year
    left join grid_factors
        on grid_factors.region_code = region_years.region_code and grid_factors.year = region_years.year
    left join thermal_power_co2
        on thermal_power_co2.region_code = region_years.region_code and thermal_power_co2.year = region_years.year
    left join thermal_power_output
        on thermal_power_output.region_code = region_years.region_code and thermal_power_output.year = region_years.year
),

-- Own generation = thermal output + hydro + wind + solar; a part not reported counts as none
-- (the factor is then, if anything, too high, and the cap below still holds); unknown (null)
-- when none of the four is known.
own_generation as (
    select
        *,
        case
            when thermal_generation_mwh is not null or hydro_generation_mwh is not null
              or wind_generation_mwh is not null or solar_generation_mwh is not null
            then coalesce(thermal_generation_mwh, 0) + coalesce(hydro_generation_mwh, 0)
               + coalesce(wind_generation_mwh, 0) + coalesce(solar_generation_mwh, 0)
        end                                                     as own_generation_mwh
    from combined
),

-- The factor a net export is deducted at. Provinces keep the provincial assessment convention
-- (var province_electricity_export_factor = grid_factor: the grid factor for net flows both ways,
-- as the national assessment of provincial CO2 intensity counts them); cities and counties use
-- their own generation factor, so that exporting wind or hydro power removes next to nothing.
export_factors as (
    select
        *,
        {{ own_generation_factor('thermal_power_co2_t', 'own_generation_mwh') }}
                                                                as own_generation_factor_tco2_per_mwh,
        case
            when level = 'province' and '{{ var("province_electricity_export_factor") }}' = 'grid_factor' then null
            else {{ own_generation_factor('thermal_power_co2_t', 'own_generation_mwh') }}
        end                                                     as export_factor_own_tco2_per_mwh
    from own_generation
),

electricity_flows as (
    select
        *,
        {{ electricity_import_co2_t('net_electricity_import_mwh', 'grid_factor_tco2_per_mwh') }}
                                                                as co2_electricity_import_t,
        {{ electricity_export_deduction_t(
            'net_electricity_import_mwh', 'export_factor_own_tco2_per_mwh', 'thermal_power_co2_t',
            'grid_factor_tco2_per_mwh', 'co2_t'
        ) }}                                                    as co2_electricity_export_deduction_t
    from export_factors
),

-- CO2 for the intensity indicator = direct combustion CO2 + imports' CO2 − exports' deduction:
-- never negative (the deduction is capped); the signed net is kept as co2_net_electricity_import_t.
electricity_adjusted as (
    select
        *,
        co2_electricity_import_t - co2_electricity_export_deduction_t
                                                                as co2_net_electricity_import_t,
        co2_t + co2_electricity_import_t - co2_electricity_export_deduction_t
                                                                as co2_for_intensity_t,
        case
            when net_electricity_import_mwh is null then null
            when net_electricity_import_mwh > 0 then 'import_grid_factor'
            when net_electricity_import_mwh = 0 then 'no_net_flow'
            when export_factor_own_tco2_per_mwh is not null then 'export_own_generation_factor'
            else 'export_grid_factor'
        end                                                     as electricity_adjustment_basis,
        -- the deduction hit its cap (own power generation CO2, or the direct CO2 on the grid factor)
        case
            when net_electricity_import_mwh < 0 and co2_electricity_export_deduction_t is not null then
                co2_electricity_export_deduction_t
                    = case when export_factor_own_tco2_per_mwh is not null then thermal_power_co2_t else co2_t end
        end                                                     as electricity_deduction_capped
    from electricity_flows
),

with_intensities as (
    select
        *,
        {{ safe_divide('energy_consumption_tce', 'gdp_const_10k_yuan') }}  as energy_intensity,
        {{ safe_divide('co2_for_intensity_t', 'gdp_const_10k_yuan') }}     as carbon_intensity
    from electricity_adjusted
),

-- Direct children (int_region_ancestors at distance 1): a province's cities, plus the districts
-- of a municipality and province-administered counties, whose parent is the province; a city's
-- counties. Only children with a CO2 figure count; a parent none of whose children has one gets null.
children_by_parent_year as (
    select
        ancestors.ancestor_code                                 as region_code,
        child.year,
        sum(child.co2_t)                                        as children_sum_co2_t,
        count(*)                                                as children_with_data_count
    from with_intensities as child
    inner join {{ ref('int_region_ancestors') }} as ancestors
        on ancestors.region_code = child.region_code and ancestors.distance = 1
    where child.co2_t is not null
    group by ancestors.ancestor_code, child.year
)

select
    region.region_code,
    region.year,
    region.level,
    region.province_code,
    region.parent_code,
    region.energy_consumption_tce,
    region.co2_t,
    region.net_electricity_import_mwh,
    region.grid_factor_tco2_per_mwh,
    region.grid_factor_set,
    region.co2_net_electricity_import_t,
    region.co2_for_intensity_t,
    region.thermal_power_co2_t,
    region.thermal_generation_mwh,
    region.own_generation_mwh,
    region.own_generation_factor_tco2_per_mwh,
    region.co2_electricity_import_t,
    region.co2_electricity_export_deduction_t,
    region.electricity_adjustment_basis,
    region.electricity_deduction_capped,
    region.gdp_current_10k_yuan,
    region.gdp_const_10k_yuan,
    region.energy_intensity,
    region.carbon_intensity,
    children.children_sum_co2_t,
    children.children_with_data_count,
    -- the unallocated part (未分配: provincial transport, cross-boundary grids …), shown, not hidden
    region.co2_t - children.children_sum_co2_t                  as residual_co2_t,
    '{{ var("factor_set") }}'                                   as factor_set,
    '{{ var("electricity_method") }}'                           as electricity_method
from with_intensities as region
left join children_by_parent_year as children
    on children.region_code = region.region_code and children.year = region.year
{%- if var('province_electricity_export_factor') not in ('grid_factor', 'own_generation_factor') %}
    {{ exceptions.raise_compiler_error(
        "province_electricity_export_factor '" ~ var('province_electricity_export_factor') ~ "' is not a rule: "
        ~ "'grid_factor' (the provincial assessment convention) or 'own_generation_factor' (as cities and counties)."
    ) }}
{%- endif %}
