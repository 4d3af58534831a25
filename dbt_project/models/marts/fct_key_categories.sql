-- Key categories, IPCC 2006 Vol.1 ch.4 Approach 1, per region and inventory year, on the
-- categories × gases of fct_inventory (CO2e of var('gwp_set')):
--   level (eq. 4.1)  L(x,t) = |E(x,t)| / Σ|E(y,t)|
--   trend (eq. 4.2)  T(x,t) = |E(x,0)|/Σ|E(y,0)| × |(E(x,t) − E(x,0))/|E(x,0)| − (ΣE(y,t) − ΣE(y,0))/|ΣE(y,0)||
--                    written below as |(E(x,t) − E(x,0))/Σ|E(y,0)| − |E(x,0)|/Σ|E(y,0)| × (ΣE(y,t) − ΣE(y,0))/|ΣE(y,0)||,
--                    the same value, and defined when E(x,0) = 0, where it is eq. 4.3's |E(x,t)|/Σ|E(y,0)|.
-- Absolute values throughout, so LULUCF removals count by their size. Categories are ranked by the
-- assessment, their shares cumulated, and a category is key while the share before it is below
-- var('key_category_threshold') (the one that crosses 95 % is key). The trend is against
-- var('inventory_base_year') for the years after it; a category absent in one of the two years
-- counts 0 there.
with

by_category as (
    select region_code, year, category_code, gas, sum(co2e_t) as co2e_t
    from {{ ref('fct_inventory') }}
    group by region_code, year, category_code, gas
),

base_rows as (
    select * from by_category where year = {{ var('inventory_base_year') }}
),

level_values as (
    select
        by_category.region_code,
        by_category.year,
        by_category.category_code,
        by_category.gas,
        by_category.co2e_t,
        base_rows.co2e_t                                                as base_co2e_t,
        abs(by_category.co2e_t)
            / nullif(sum(abs(by_category.co2e_t)) over (partition by by_category.region_code, by_category.year), 0)
                                                                        as assessment_value
    from by_category
    left join base_rows
        on  base_rows.region_code = by_category.region_code
        and base_rows.category_code = by_category.category_code
        and base_rows.gas = by_category.gas
),

current_rows as (
    select * from by_category
    where year > {{ var('inventory_base_year') }}
      and region_code in (select region_code from base_rows)
),

-- every category of year t or of the base year, for each year t of a region with a base year
trend_keys as (
    select region_code, year, category_code, gas from current_rows
    union
    select years.region_code, years.year, base_rows.category_code, base_rows.gas
    from (select distinct region_code, year from current_rows) as years
    inner join base_rows
        on base_rows.region_code = years.region_code
),

trend_inputs as (
    select
        trend_keys.region_code,
        trend_keys.year,
        trend_keys.category_code,
        trend_keys.gas,
        coalesce(current_rows.co2e_t, 0)                                as co2e_t,
        coalesce(base_rows.co2e_t, 0)                                   as base_co2e_t
    from trend_keys
    left join current_rows
        on  current_rows.region_code = trend_keys.region_code
        and current_rows.year = trend_keys.year
        and current_rows.category_code = trend_keys.category_code
        and current_rows.gas = trend_keys.gas
    left join base_rows
        on  base_rows.region_code = trend_keys.region_code
        and base_rows.category_code = trend_keys.category_code
        and base_rows.gas = trend_keys.gas
),

trend_totals as (
    select
        region_code,
        year,
        sum(co2e_t)                                                     as total_t,
        sum(base_co2e_t)                                                as base_total_t,
        sum(abs(base_co2e_t))                                           as base_abs_total_t
    from trend_inputs
    group by region_code, year
),

trend_values as (
    select
        trend_inputs.*,
        abs(
            (trend_inputs.co2e_t - trend_inputs.base_co2e_t) / nullif(trend_totals.base_abs_total_t, 0)
            - abs(trend_inputs.base_co2e_t) / nullif(trend_totals.base_abs_total_t, 0)
              * (trend_totals.total_t - trend_totals.base_total_t) / nullif(abs(trend_totals.base_total_t), 0)
        )                                                               as assessment_value
    from trend_inputs
    inner join trend_totals
        on trend_totals.region_code = trend_inputs.region_code and trend_totals.year = trend_inputs.year
),

assessed as (
    select 'level' as assessment, region_code, year, category_code, gas, co2e_t, base_co2e_t, assessment_value
    from level_values
    union all
    select 'trend', region_code, year, category_code, gas, co2e_t, base_co2e_t, assessment_value
    from trend_values
),

shared as (
    select
        *,
        assessment_value / nullif(sum(assessment_value) over (partition by region_code, year, assessment), 0)
                                                                        as share,
        row_number() over (
            partition by region_code, year, assessment
            order by assessment_value desc nulls last, category_code, gas
        )                                                               as rank
    from assessed
),

cumulated as (
    select
        *,
        sum(share) over (
            partition by region_code, year, assessment
            order by rank rows between unbounded preceding and current row
        )                                                               as cumulative_share
    from shared
)

select
    region_code,
    year,
    {{ var('inventory_base_year') }}                                    as base_year,
    assessment,
    category_code,
    gas,
    co2e_t,
    base_co2e_t,
    assessment_value,
    share,
    cumulative_share,
    cast(rank as integer)                                               as rank,
    -- the share before this category is below the threshold: it is among those making up 95 %
    coalesce(cumulative_share - share < {{ var('key_category_threshold') }} - 1e-12, false)
                                                                        as is_key
from cumulated
where year between {{ var('inventory_first_year') }} and {{ var('inventory_last_year') }}
