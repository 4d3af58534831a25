-- Activity statistics pivoted to one row per region and year, with constant-price GDP and
-- industrial value added, and net electricity imports. Every year with data is kept (2005 too:
-- it is the base of the industry CO2 target).
with

statistics as (
    select * from {{ ref('stg_raw__activity_statistics') }}
),

statistics_with_values as (
    select region_code, year, variable_code, value
    from statistics
    where value is not null
),

-- One value per region, year and variable (a singular test guards it), so max() only pivots.
pivoted as (
    select
        region_code,
        year,
        max(value) filter (where variable_code = 'gdp_current')            as gdp_current_10k_yuan,
        max(value) filter (where variable_code = 'gdp_index_prev_year')    as gdp_index_prev_year,
        max(value) filter (where variable_code = 'gdp_index_2005')         as gdp_index_2005,
        max(value) filter (where variable_code = 'industry_va_current')    as industry_va_current_10k_yuan,
        max(value) filter (where variable_code = 'industry_va_index_2005') as industry_va_index_2005,
        max(value) filter (where variable_code = 'population')             as population_10k_persons,
        max(value) filter (where variable_code = 'electricity_inflow')     as electricity_inflow_mwh,
        max(value) filter (where variable_code = 'electricity_outflow')    as electricity_outflow_mwh,
        max(value) filter (where variable_code = 'hydro_generation')       as hydro_generation_mwh,
        max(value) filter (where variable_code = 'wind_generation')        as wind_generation_mwh,
        max(value) filter (where variable_code = 'solar_generation')       as solar_generation_mwh
    from statistics_with_values
    group by region_code, year
),

-- Constant prices carry the base year's current-price value along the volume index:
-- GDP_const(t) = GDP_current(base) × index_2005(t) / index_2005(base). A region without a
-- base-year figure gets no constant-price series (null), never a partial one.
price_base_year_values as (
    select
        region_code,
        gdp_current_10k_yuan            as gdp_current_base_year_10k_yuan,
        gdp_index_2005                  as gdp_index_2005_base_year,
        industry_va_current_10k_yuan    as industry_va_current_base_year_10k_yuan,
        industry_va_index_2005          as industry_va_index_2005_base_year
    from pivoted
    where year = {{ var('price_base_year') }}
),

activity as (
    select
        pivoted.region_code,
        pivoted.year,
        pivoted.gdp_current_10k_yuan,
        pivoted.gdp_index_prev_year,
        pivoted.gdp_index_2005,
        {{ constant_price_value(
            'base.gdp_current_base_year_10k_yuan', 'pivoted.gdp_index_2005', 'base.gdp_index_2005_base_year'
        ) }}                                                        as gdp_const_10k_yuan,
        pivoted.industry_va_current_10k_yuan,
        pivoted.industry_va_index_2005,
        {{ constant_price_value(
            'base.industry_va_current_base_year_10k_yuan', 'pivoted.industry_va_index_2005',
            'base.industry_va_index_2005_base_year'
        ) }}                                                        as industry_va_const_10k_yuan,
        {{ var('price_base_year') }}                                as price_base_year,
        pivoted.population_10k_persons,
        pivoted.electricity_inflow_mwh,
        pivoted.electricity_outflow_mwh,
        -- outflow is published as a positive amount; abs() also accepts the balance-sheet sign (−)
        pivoted.electricity_inflow_mwh - abs(pivoted.electricity_outflow_mwh)
                                                                    as net_electricity_import_mwh,
        pivoted.hydro_generation_mwh,
        pivoted.wind_generation_mwh,
        pivoted.solar_generation_mwh
    from pivoted
    left join price_base_year_values as base
        on base.region_code = pivoted.region_code
)

select * from activity
