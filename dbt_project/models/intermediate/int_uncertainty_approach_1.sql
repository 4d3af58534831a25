-- IPCC 2006 Vol.1 ch.3 Approach 1 (error propagation), per region and year:
--   a row (category × sub-category × gas)  U = √(U_activity² + U_factor²)            (eq. 3.1)
--   a category × gas, and the total        U = √Σ(U_i · x_i)² / |Σ x_i|               (eq. 3.2)
--   the trend against var('inventory_base_year'), Table 3.2 (macro trend_uncertainty_term, C the
--     base-year and D the year-t CO2e of a row): √Σ((A·U_factor)² + (B·U_activity·√2)²), in
--     percentage points of the trend.
-- Intervals are x ± |x|·U/100 (the 95 % half-width); inputs from int_uncertainty_inputs.
with

inputs as (
    select * from {{ ref('int_uncertainty_inputs') }}
),

by_category as (
    select
        region_code,
        year,
        category_code,
        gas,
        sum(co2e_t)                                                         as co2e_t,
        sqrt(sum(power(combined_uncertainty_pct * co2e_t / 100, 2)))       as half_width_t
    from inputs
    group by region_code, year, category_code, gas
),

totals as (
    select
        region_code,
        year,
        'total'                                                             as category_code,
        'all'                                                               as gas,
        sum(co2e_t)                                                         as co2e_t,
        sqrt(sum(power(combined_uncertainty_pct * co2e_t / 100, 2)))       as half_width_t
    from inputs
    group by region_code, year
),

base_rows as (
    select * from inputs where year = {{ var('inventory_base_year') }}
),

current_rows as (
    select * from inputs
    where year > {{ var('inventory_base_year') }}
      and region_code in (select region_code from base_rows)
),

-- each row of year t beside its base-year row, and the base-year rows absent in year t (0 there)
trend_rows as (
    select
        current_rows.region_code,
        current_rows.year,
        current_rows.co2e_t                                                 as d_t,
        coalesce(base_rows.co2e_t, 0)                                       as c_t,
        current_rows.activity_uncertainty_pct                               as activity_pct,
        current_rows.factor_uncertainty_pct                                 as factor_pct
    from current_rows
    left join base_rows
        on  base_rows.region_code = current_rows.region_code
        and base_rows.category_code = current_rows.category_code
        and base_rows.sub_category is not distinct from current_rows.sub_category
        and base_rows.gas = current_rows.gas
    union all
    select
        years.region_code,
        years.year,
        0,
        base_rows.co2e_t,
        base_rows.activity_uncertainty_pct,
        base_rows.factor_uncertainty_pct
    from (select distinct region_code, year from current_rows) as years
    inner join base_rows
        on base_rows.region_code = years.region_code
    where not exists (
        select 1 from current_rows
        where current_rows.region_code = years.region_code
          and current_rows.year = years.year
          and current_rows.category_code = base_rows.category_code
          and current_rows.sub_category is not distinct from base_rows.sub_category
          and current_rows.gas = base_rows.gas
    )
),

trend_sums as (
    select
        trend_rows.*,
        sum(d_t) over (partition by region_code, year)                      as sum_d_t,
        sum(c_t) over (partition by region_code, year)                      as sum_c_t
    from trend_rows
),

trend as (
    select
        region_code,
        year,
        sqrt(sum({{ trend_uncertainty_term('d_t', 'c_t', 'sum_d_t', 'sum_c_t', 'factor_pct', 'activity_pct') }}))
                                                                            as trend_uncertainty_pct
    from trend_sums
    group by region_code, year
),

combined as (
    select *, cast(null as double) as trend_uncertainty_pct from by_category
    union all
    select totals.*, trend.trend_uncertainty_pct
    from totals
    left join trend
        on trend.region_code = totals.region_code and trend.year = totals.year
)

select
    region_code,
    year,
    category_code,
    gas,
    'approach_1'                                                            as approach,
    co2e_t,
    co2e_t - half_width_t                                                   as lower_t,
    co2e_t + half_width_t                                                   as upper_t,
    half_width_t / nullif(abs(co2e_t), 0) * 100                             as uncertainty_pct,
    trend_uncertainty_pct
from combined
