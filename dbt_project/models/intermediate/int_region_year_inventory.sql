-- Everything known about a region in a year: energy, direct combustion CO2, the CO2 embodied
-- in net electricity imports, GDP at constant prices, intensities and the comparison with
-- the region's children. Grain: region × year, for every region-year with energy or activity
-- data (2005 included; marts.fct_region_year publishes the inventory years only).
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
),

-- The provincial assessment convention: CO2 for the intensity indicator adds the CO2 of net
-- electricity imports (negative for a net exporter such as Gansu) to direct combustion CO2.
electricity_adjusted as (
    select
        *,
        net_electricity_import_mwh * grid_factor_tco2_per_mwh  as co2_net_electricity_import_t,
        co2_t + net_electricity_import_mwh * grid_factor_tco2_per_mwh
                                                                as co2_for_intensity_t
    from combined
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
