-- The industry table against the energy balance's 工业 row, per region × year × fuel, for every
-- region-year with an industry table. residual = balance − Σ divisions (未分配: enterprises below
-- the survey threshold, statistical differences); residual_share = residual ÷ balance. The same for
-- what is burned (consumption − 其中：用作原料、材料 on both sides), and the allocation factor that
-- int_industry_energy_emissions applies to the divisions' combustion so that it never exceeds the
-- balance's (1 unless the divisions burn more than the balance's 工业 row).
-- Missing is not zero: a fuel the balance has no 工业 cell for has a null balance and residual.
with

divisions as (
    select * from {{ ref('int_industry_energy_divisions') }}
),

fuels as (
    select fuel_code, canonical_unit, tce_per_unit, is_fossil from {{ ref('stg_reference__fuels') }}
),

covered_region_years as (
    select distinct region_code, year from divisions
),

balance_industry as (
    select
        balance.region_code,
        balance.year,
        balance.fuel_code,
        sum(balance.value) filter (where balance.item_code = 'final_industry')              as balance_value,
        sum(balance.value) filter (where balance.item_code = 'final_industry_feedstock')    as balance_feedstock_value
    from {{ ref('stg_raw__energy_balance') }} as balance
    inner join covered_region_years as covered
        on covered.region_code = balance.region_code and covered.year = balance.year
    where balance.item_code in ('final_industry', 'final_industry_feedstock')
      and balance.value is not null
    group by balance.region_code, balance.year, balance.fuel_code
),

industries as (
    select
        region_code,
        year,
        fuel_code,
        sum(consumption_value)                                      as industries_value,
        sum(feedstock_value)                                        as industries_feedstock_value,
        sum(combustion_value)                                       as industries_combustion_value,
        count(*) filter (where consumption_value > 0)               as divisions_count
    from divisions
    group by region_code, year, fuel_code
),

joined as (
    select
        coalesce(balance_industry.region_code, industries.region_code)  as region_code,
        coalesce(balance_industry.year, industries.year)                as year,
        coalesce(balance_industry.fuel_code, industries.fuel_code)      as fuel_code,
        balance_industry.balance_value,
        balance_industry.balance_feedstock_value,
        balance_industry.balance_value
            - coalesce(balance_industry.balance_feedstock_value, 0)     as balance_combustion_value,
        coalesce(industries.industries_value, 0)                        as industries_value,
        coalesce(industries.industries_feedstock_value, 0)              as industries_feedstock_value,
        coalesce(industries.industries_combustion_value, 0)             as industries_combustion_value,
        coalesce(industries.divisions_count, 0)                         as divisions_count
    from balance_industry
    full outer join industries
        on  industries.region_code = balance_industry.region_code
        and industries.year = balance_industry.year
        and industries.fuel_code = balance_industry.fuel_code
)

select
    joined.region_code,
    joined.year,
    joined.fuel_code,
    fuels.canonical_unit                                                as unit,
    fuels.is_fossil,
    joined.balance_value,
    joined.industries_value,
    joined.balance_value - joined.industries_value                      as residual_value,
    {{ safe_divide('joined.balance_value - joined.industries_value', 'joined.balance_value') }}
                                                                        as residual_share,
    joined.balance_value * fuels.tce_per_unit                           as balance_tce,
    joined.industries_value * fuels.tce_per_unit                        as industries_tce,
    joined.balance_feedstock_value,
    joined.industries_feedstock_value,
    joined.balance_combustion_value,
    joined.industries_combustion_value,
    joined.balance_combustion_value - joined.industries_combustion_value
                                                                        as combustion_residual_value,
    case
        when joined.industries_combustion_value > greatest(joined.balance_combustion_value, 0)
            then greatest(joined.balance_combustion_value, 0) / joined.industries_combustion_value
        else 1.0
    end                                                                 as allocation_factor,
    joined.divisions_count,
    abs({{ safe_divide('joined.balance_value - joined.industries_value', 'joined.balance_value') }})
        <= {{ var('industry_residual_tolerance_fraction') }}            as within_tolerance
from joined
left join fuels
    on fuels.fuel_code = joined.fuel_code
