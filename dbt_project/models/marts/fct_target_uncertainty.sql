-- Is "on track" beyond the uncertainty? For every intensity-reduction target judged against the
-- plan's base year whose level the platform computes from the energy balance — CO2 intensity,
-- energy intensity, industry CO2 intensity, industry energy intensity — and every year of its
-- plan period: the 95 % half-width of the cumulative reduction, in percentage points, and whether
-- the gap to the even-pace path is larger than it (docs/methodology.md "Uncertainty").
--
-- The KPI's numerator is split into rows that carry their own error (int_intensity_numerator_rows:
-- one per fuel, because one fuel's factor is one factor everywhere; CO2 intensity adds the net
-- imported electricity). Each row takes the most specific energy row of ref_uncertainty_ranges
-- for its fuel group and quantity (gas 'CO2' for CO2, 'tce' for energy consumption). The trend
-- uncertainty U of the numerator between the base year and the year is IPCC 2006 Vol.1 ch.3
-- Table 3.2 (macro trend_uncertainty_term), as in fct_uncertainty.
--
-- The reduction is R = 1 − (D/C)·(G_base/G_t), D and C the numerator in the year and the base
-- year, G the denominator (GDP, or industrial value added): an error of U percentage points in
-- D/C is an error of U·G_base/G_t percentage points in R, and G_base/G_t = (1 − R)·C/D, so the
-- half-width needs no second copy of the denominators (int_indicator_values has them). The
-- denominator's own error is 0 by definition: the target is assessed on the published
-- constant-price value added, which the assessment takes as given (denominator_uncertainty_pct
-- records this; a sourced figure would enter as √(U² + 2·U_denominator²)).
-- Grain: region × indicator × year.
with

targets as (
    select region_code, indicator_code, level_indicator_code, plan_period, base_year, year,
           actual_value, expected_value, gap, status
    from {{ ref('int_target_progress') }}
    where target_kind = 'reduction_vs_base'
      and year > base_year
      and level_indicator_code in (select distinct level_indicator_code from {{ ref('int_intensity_numerator_rows') }})
),

numerator_rows as (
    select * from {{ ref('int_intensity_numerator_rows') }}
),

energy_ranges as (
    select *
    from {{ ref('ref_uncertainty_ranges') }}
    where sector = 'energy' and category_prefix = '1.A' and gas in ('CO2', 'tce')
),

-- the most specific range per row: its fuel group's, else the energy row for any fuel
rows_with_ranges as (
    select
        numerator_rows.*,
        ranges.activity_uncertainty_pct,
        ranges.factor_uncertainty_pct,
        row_number() over (
            partition by numerator_rows.region_code, numerator_rows.year,
                         numerator_rows.level_indicator_code, numerator_rows.fuel_code
            order by (ranges.fuel_group <> '*') desc
        )                                                                   as preference
    from numerator_rows
    inner join energy_ranges as ranges
        on  ranges.gas = case numerator_rows.numerator_unit when 'tce' then 'tce' else 'CO2' end
        and ranges.fuel_group in ('*', numerator_rows.fuel_group)
),

rows_ranged as (
    select * from rows_with_ranges where preference = 1
),

-- each fuel of year t beside its base-year row (0 where a fuel is absent in one of the two years);
-- a fuel's ranges are its group's, the same in both years
trend_rows as (
    select
        targets.region_code,
        targets.indicator_code,
        targets.year,
        rows_ranged.fuel_code,
        any_value(rows_ranged.numerator_unit)                                as numerator_unit,
        coalesce(sum(rows_ranged.numerator_value) filter (where rows_ranged.year = targets.year), 0)      as d_t,
        coalesce(sum(rows_ranged.numerator_value) filter (where rows_ranged.year = targets.base_year), 0) as c_t,
        max(rows_ranged.activity_uncertainty_pct)                            as activity_pct,
        max(rows_ranged.factor_uncertainty_pct)                              as factor_pct
    from targets
    inner join rows_ranged
        on  rows_ranged.region_code = targets.region_code
        and rows_ranged.level_indicator_code = targets.level_indicator_code
        and rows_ranged.year in (targets.year, targets.base_year)
    group by targets.region_code, targets.indicator_code, targets.year, rows_ranged.fuel_code
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
        any_value(numerator_unit)                                           as numerator_unit,
        any_value(sum_c_t)                                                  as base_numerator_value,
        any_value(sum_d_t)                                                  as numerator_value,
        -- ordered_sum: the same bits on DuckDB and Spark (macros/portable.sql)
        sqrt({{ ordered_sum(trend_uncertainty_term('d_t', 'c_t', 'sum_d_t', 'sum_c_t', 'factor_pct', 'activity_pct')) }})
                                                                            as trend_uncertainty_pct
    from trend_sums
    group by region_code, indicator_code, year
    having count(*) filter (where d_t <> 0) > 0 and count(*) filter (where c_t <> 0) > 0
),

half_widths as (
    select
        targets.*,
        trend.numerator_unit,
        trend.base_numerator_value,
        trend.numerator_value,
        trend.trend_uncertainty_pct,
        cast(0 as double)                                                   as denominator_uncertainty_pct,
        -- U · G_base/G_t, with G_base/G_t = (1 − R)·C/D
        trend.trend_uncertainty_pct * (1 - targets.actual_value)
            * {{ safe_divide('trend.base_numerator_value', 'trend.numerator_value') }}
                                                                            as reduction_half_width_pp
    from targets
    left join trend
        on  trend.region_code = targets.region_code
        and trend.indicator_code = targets.indicator_code
        and trend.year = targets.year
)

select
    cast(region_code as string)                                            as region_code,
    cast(indicator_code as string)                                         as indicator_code,
    cast(year as integer)                                                   as year,
    cast(level_indicator_code as string)                                   as level_indicator_code,
    cast(plan_period as string)                                            as plan_period,
    cast(base_year as integer)                                              as base_year,
    cast(numerator_unit as string)                                         as numerator_unit,
    cast(base_numerator_value as double)                                    as base_numerator_value,
    cast(numerator_value as double)                                         as numerator_value,
    cast(trend_uncertainty_pct as double)                                   as trend_uncertainty_pct,
    cast(denominator_uncertainty_pct as double)                             as denominator_uncertainty_pct,
    cast(actual_value as double)                                            as actual_value,
    cast(expected_value as double)                                          as expected_value,
    cast(gap as double)                                                     as gap,
    cast(status as string)                                                 as status,
    cast(reduction_half_width_pp as double)                                 as reduction_half_width_pp,
    cast(actual_value * 100 - reduction_half_width_pp as double)            as reduction_lower_pct,
    cast(actual_value * 100 + reduction_half_width_pp as double)            as reduction_upper_pct,
    -- robust: the distance to the even-pace path exceeds the 95 % half-width (null when either is unknown)
    cast(abs(gap) * 100 > reduction_half_width_pp as boolean)               as status_beyond_uncertainty
from half_widths
