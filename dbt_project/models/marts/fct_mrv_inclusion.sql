-- The inclusion list (纳入名单) per list year and scheme: the enterprises included (with the rule
-- that put each on the list and the figure that crossed it), those near a threshold (review), and
-- those dropped since the previous year's list. The test itself is int_mrv_inclusion.
--   change_vs_previous  first_list: no list the year before; new / continuing: included now, not / also
--                       included the year before; dropped: included the year before, not now
--                       (the row carries this year's figures, if any); NULL for review rows
with

tested as (
    select * from {{ ref('int_mrv_inclusion') }}
),

ancestors as (
    select region_code, ancestor_code as city_code
    from {{ ref('int_region_ancestors') }}
    where ancestor_level = 'city'
),

list_years as (
    select distinct list_year, scheme_code from tested
),

previous_included as (
    select credit_code, scheme_code, list_year + 1 as list_year,
           enterprise_name, region_code, sector_code, is_market_sector, declared_in_ets
    from tested
    where list_status = 'included'
),

-- enterprises included last year that this year's test does not include (or no longer sees)
dropped as (
    select
        previous_included.credit_code, previous_included.scheme_code, previous_included.list_year,
        coalesce(now.enterprise_name, previous_included.enterprise_name)   as enterprise_name,
        coalesce(now.region_code, previous_included.region_code)           as region_code,
        coalesce(now.sector_code, previous_included.sector_code)           as sector_code,
        coalesce(now.declared_in_ets, previous_included.declared_in_ets)   as declared_in_ets,
        now.reference_start_year, now.reference_end_year,
        now.max_energy_tce, now.max_energy_year, now.max_emissions_tco2e, now.max_emissions_year,
        now.captive_power_kw, now.inclusion_rule, now.rule_figure, now.rule_threshold, now.rule_unit, now.rule_year
    from previous_included
    join list_years
        on list_years.list_year = previous_included.list_year and list_years.scheme_code = previous_included.scheme_code
    left join tested as now
        on now.credit_code = previous_included.credit_code and now.scheme_code = previous_included.scheme_code
       and now.list_year = previous_included.list_year
    where coalesce(now.list_status, 'below') <> 'included'
),

listed as (
    select
        tested.credit_code, tested.scheme_code, tested.list_year, tested.enterprise_name, tested.region_code,
        tested.sector_code, tested.declared_in_ets, tested.reference_start_year, tested.reference_end_year,
        tested.max_energy_tce, tested.max_energy_year, tested.max_emissions_tco2e, tested.max_emissions_year,
        tested.captive_power_kw, tested.inclusion_rule, tested.rule_figure, tested.rule_threshold,
        tested.rule_unit, tested.rule_year, tested.list_status,
        case
            when tested.list_status = 'review' then null
            when not exists (select 1 from list_years as earlier
                             where earlier.list_year = tested.list_year - 1 and earlier.scheme_code = tested.scheme_code)
                then 'first_list'
            when previous_included.credit_code is not null then 'continuing'
            else 'new'
        end as change_vs_previous
    from tested
    left join previous_included
        on previous_included.credit_code = tested.credit_code and previous_included.scheme_code = tested.scheme_code
       and previous_included.list_year = tested.list_year
    where tested.list_status in ('included', 'review')
      and not (tested.list_status = 'review' and previous_included.credit_code is not null)
    union all
    select
        credit_code, scheme_code, list_year, enterprise_name, region_code, sector_code, declared_in_ets,
        coalesce(reference_start_year, list_year - {{ var('mrv_reference_period_years') }} + 1),
        coalesce(reference_end_year, list_year),
        max_energy_tce, max_energy_year, max_emissions_tco2e, max_emissions_year, captive_power_kw,
        inclusion_rule, rule_figure, rule_threshold, rule_unit, rule_year,
        'dropped', 'dropped'
    from dropped
)

select
    listed.list_year,
    listed.scheme_code,
    listed.credit_code,
    listed.enterprise_name,
    listed.region_code,
    coalesce(ancestors.city_code, listed.region_code)          as city_code,
    listed.sector_code,
    listed.reference_start_year,
    listed.reference_end_year,
    listed.max_energy_tce,
    listed.max_energy_year,
    listed.max_emissions_tco2e,
    listed.max_emissions_year,
    listed.captive_power_kw,
    listed.inclusion_rule,
    listed.rule_figure,
    listed.rule_threshold,
    listed.rule_unit,
    listed.rule_year,
    listed.list_status,
    listed.list_status = 'included'                            as is_included,
    listed.change_vs_previous,
    listed.declared_in_ets
from listed
left join ancestors on ancestors.region_code = listed.region_code
