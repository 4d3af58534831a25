-- Land use, land-use change and forestry (CRT sector 4): 4.A.1 forest land biomass carbon by the
-- stock-difference method (IPCC 2006 GL Vol.4 eq. 2.8), from the forest growing stock (森林蓄积量,
-- m3) of the department indicators: the same figures int_indicator_values gives
-- fct_target_progress for the forest_stock_increase target (one source for one fact).
-- Between two consecutive years with a figure the change is annualised over the gap and given to
-- every year of it (prev_year + 1 … year):
--   ΔV [m3/yr] = (V_year − V_prev_year) / (year − prev_year)
--   ΔC [t C/yr] = ΔV × D × BEF × (1 + R) × CF          (ref_forest_carbon_parameters)
--   CO2 [t] = −ΔC × 44/12   (a growing stock is a removal: NEGATIVE emissions)
-- The first year with a figure has no row (nothing to difference against).
with

stock as (
    select region_code, year, value as stock_m3
    from {{ ref('int_indicator_values') }}
    where indicator_code = 'forest_stock' and value is not null
),

stock_files as (
    select region_code, year, {{ list_agg_distinct('source_file') }} as source_files
    from {{ ref('stg_raw__indicator_statistics') }}
    where indicator_code = 'forest_stock' and value is not null
    group by region_code, year
),

parameters as (
    select
        max(value) filter (where parameter = 'wood_density')                as wood_density_t_per_m3,
        max(value) filter (where parameter = 'biomass_expansion_factor')    as bef,
        max(value) filter (where parameter = 'root_shoot_ratio')            as root_shoot_ratio,
        max(value) filter (where parameter = 'carbon_fraction')             as carbon_fraction
    from {{ ref('ref_forest_carbon_parameters') }}
),

consecutive as (
    select
        region_code,
        year,
        stock_m3,
        lag(year) over by_region                                            as prev_year,
        lag(stock_m3) over by_region                                        as prev_stock_m3
    from stock
    window by_region as (partition by region_code order by year)
),

annualised as (
    select
        region_code,
        prev_year,
        year                                                                as data_year,
        (stock_m3 - prev_stock_m3) / (year - prev_year)                     as delta_stock_m3_per_yr,
        {{ series_rows('prev_year + 1', 'year') }}                        as inventory_year
    from consecutive
    where prev_year is not null
),

carbon as (
    select
        annualised.*,
        annualised.delta_stock_m3_per_yr * parameters.wood_density_t_per_m3 * parameters.bef
            * (1.0 + parameters.root_shoot_ratio) * parameters.carbon_fraction
                                                                            as delta_carbon_t_per_yr
    from annualised
    cross join parameters
),

emissions as (
    select
        carbon.region_code,
        carbon.inventory_year                                               as year,
        '4.A.1'                                                             as category_code,
        'forest_biomass'                                                    as sub_category,
        'CO2'                                                               as gas,
        -{{ co2_from_c('carbon.delta_carbon_t_per_yr') }}                   as emissions_t,
        carbon.delta_stock_m3_per_yr                                        as activity_value,
        'm3 growing stock change per yr'                                    as activity_unit,
        'ref_forest_carbon_parameters:wood_density,biomass_expansion_factor,root_shoot_ratio,carbon_fraction; stock '
            || carbon.prev_year || '-' || carbon.data_year                  as factor_source,
        flatten({{ list_of('coalesce(prev_files.source_files, ' ~ empty_text_list() ~ ')', 'coalesce(data_files.source_files, ' ~ empty_text_list() ~ ')') }})
                                                                            as source_files
    from carbon
    left join stock_files as prev_files
        on prev_files.region_code = carbon.region_code and prev_files.year = carbon.prev_year
    left join stock_files as data_files
        on data_files.region_code = carbon.region_code and data_files.year = carbon.data_year
)

{{ inventory_sector_select('emissions', method="'stock_difference'") }}
