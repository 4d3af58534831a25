-- Is "on track" beyond the inventory's uncertainty? For every CO2-intensity reduction target
-- judged against the plan's base year (the level co2_intensity = co2_for_intensity_t ÷ GDP at
-- constant prices, int_region_year_inventory) and every year of its plan period: the 95 %
-- half-width of the cumulative reduction, in percentage points, and whether the gap to the
-- even-pace path is larger than it (docs/methodology.md "Uncertainty").
--
-- The CO2 the KPI uses is split into rows that carry their own error: the combustion CO2 of each
-- fuel (all sectors together, because one fuel's factor is one factor everywhere) and the CO2 of
-- the net imported electricity (fuel 'electricity', signed). Each row takes the most specific
-- energy CO2 row of ref_uncertainty_ranges for its fuel group. The trend uncertainty between the
-- base year and the year is IPCC 2006 Vol.1 ch.3 Table 3.2 (macro trend_uncertainty_term), as in
-- fct_uncertainty, but between the plan's base year and for this CO2 only.
--
-- The reduction is R = 1 − (D/C)·(G_base/G_t): an error of U percentage points in the trend D/C
-- is an error of U·G_base/G_t percentage points in R. GDP's own error is 0 by definition: the
-- target is assessed on the published constant-price GDP, which the assessment takes as given
-- (gdp_uncertainty_pct records this; a sourced figure would enter as √(U_trend² + 2·U_gdp²)).
-- Grain: region × indicator × year.
with

targets as (
    select region_code, indicator_code, plan_period, base_year, year, actual_value, expected_value, gap, status
    from {{ ref('int_target_progress') }}
    where level_indicator_code = 'co2_intensity'
      and target_kind = 'reduction_vs_base'
      and year > base_year
),

regions_years as (
    select region_code, year, co2_for_intensity_t, gdp_const_10k_yuan
    from {{ ref('int_region_year_inventory') }}
),

-- the rows of the KPI's CO2: combustion per fuel, and the net electricity import as fuel 'electricity'
co2_rows as (
    select region_code, year, fuel_code, sum(co2_t) as co2_t
    from (
        select region_code, year, fuel_code, co2_t
        from {{ ref('int_energy_combustion_emissions') }}
        union all
        select region_code, year, 'electricity', co2_net_electricity_import_t
        from {{ ref('int_region_year_inventory') }}
        where co2_net_electricity_import_t is not null
    ) as kpi_co2
    group by region_code, year, fuel_code
),

energy_co2_ranges as (
    select *
    from {{ ref('ref_uncertainty_ranges') }}
    where sector = 'energy' and category_prefix = '1.A' and gas = 'CO2'
),

-- the most specific range per row: its fuel group's, else the energy CO2 row for any fuel
rows_with_ranges as (
    select
        co2_rows.*,
        ranges.activity_uncertainty_pct,
        ranges.factor_uncertainty_pct,
        row_number() over (
            partition by co2_rows.region_code, co2_rows.year, co2_rows.fuel_code
            order by (ranges.fuel_group <> '*') desc
        )                                                                   as preference
    from co2_rows
    inner join {{ ref('stg_reference__fuels') }} as fuels
        on fuels.fuel_code = co2_rows.fuel_code
    inner join energy_co2_ranges as ranges
        on ranges.fuel_group in ('*', fuels.fuel_group)
),

co2_ranged as (
    select * from rows_with_ranges where preference = 1
),

-- each fuel of year t beside its base-year row (0 where a fuel is absent in one of the two years);
-- a fuel's ranges are its group's, the same in both years
trend_rows as (
    select
        targets.region_code,
        targets.indicator_code,
        targets.year,
        co2_ranged.fuel_code,
        coalesce(sum(co2_ranged.co2_t) filter (where co2_ranged.year = targets.year), 0)       as d_t,
        coalesce(sum(co2_ranged.co2_t) filter (where co2_ranged.year = targets.base_year), 0)  as c_t,
        max(co2_ranged.activity_uncertainty_pct)                             as activity_pct,
        max(co2_ranged.factor_uncertainty_pct)                               as factor_pct
    from targets
    inner join co2_ranged
        on  co2_ranged.region_code = targets.region_code
        and co2_ranged.year in (targets.year, targets.base_year)
    group by targets.region_code, targets.indicator_code, targets.year, co2_ranged.fuel_code
),

trend_sums as (
    select
        trend_rows.*,
        sum(d_t) over (partition by region_code, indicator_code, year)        as sum_d_t,
        sum(c_t) over (partition by region_code, indicator_code, year)        as sum_c_t
    from trend_rows
),

-- a trend needs both years' rows: a region-year missing either has no uncertainty (null)
trend as (
    select
        region_code,
        indicator_code,
        year,
        sqrt(sum({{ trend_uncertainty_term('d_t', 'c_t', 'sum_d_t', 'sum_c_t', 'factor_pct', 'activity_pct') }}))
                                                                            as co2_trend_uncertainty_pct
    from trend_sums
    group by region_code, indicator_code, year
    having count(*) filter (where d_t <> 0) > 0 and count(*) filter (where c_t <> 0) > 0
),

half_widths as (
    select
        targets.*,
        base_region.co2_for_intensity_t                                     as base_co2_for_intensity_t,
        current_region.co2_for_intensity_t,
        trend.co2_trend_uncertainty_pct,
        cast(0 as double)                                                   as gdp_uncertainty_pct,
        trend.co2_trend_uncertainty_pct
            * {{ safe_divide('base_region.gdp_const_10k_yuan', 'current_region.gdp_const_10k_yuan') }}
                                                                            as reduction_half_width_pp
    from targets
    left join trend
        on  trend.region_code = targets.region_code
        and trend.indicator_code = targets.indicator_code
        and trend.year = targets.year
    left join regions_years as base_region
        on base_region.region_code = targets.region_code and base_region.year = targets.base_year
    left join regions_years as current_region
        on current_region.region_code = targets.region_code and current_region.year = targets.year
)

select
    cast(region_code as varchar)                                            as region_code,
    cast(indicator_code as varchar)                                         as indicator_code,
    cast(year as integer)                                                   as year,
    cast(plan_period as varchar)                                            as plan_period,
    cast(base_year as integer)                                              as base_year,
    cast(base_co2_for_intensity_t as double)                                as base_co2_for_intensity_t,
    cast(co2_for_intensity_t as double)                                     as co2_for_intensity_t,
    cast(co2_trend_uncertainty_pct as double)                               as co2_trend_uncertainty_pct,
    cast(gdp_uncertainty_pct as double)                                     as gdp_uncertainty_pct,
    cast(actual_value as double)                                            as actual_value,
    cast(expected_value as double)                                          as expected_value,
    cast(gap as double)                                                     as gap,
    cast(status as varchar)                                                 as status,
    cast(reduction_half_width_pp as double)                                 as reduction_half_width_pp,
    cast(actual_value * 100 - reduction_half_width_pp as double)            as reduction_lower_pct,
    cast(actual_value * 100 + reduction_half_width_pp as double)            as reduction_upper_pct,
    -- robust: the distance to the even-pace path exceeds the 95 % half-width (null when either is unknown)
    cast(abs(gap) * 100 > reduction_half_width_pp as boolean)               as status_beyond_uncertainty
from half_widths
