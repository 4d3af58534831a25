-- Inclusion test (纳入名单) of every enterprise for every list year and scheme: an enterprise is
-- included when, in ANY year of the reference period (the list year and the
-- mrv_reference_period_years − 1 before it; the first national list looked at 2013–2015), one of the
-- scheme's rules (ref_mrv_inclusion_rules) reaches its threshold, inclusive (达到…以上（含）):
--   energy         comprehensive energy consumption, tce (int_enterprise_energy_years)   market sectors
--   emissions      CO2e of the authoritative report, t                                   market sectors
--   captive_power  installed capacity of a self-owned power plant, kW                     any sector
-- The rule named is the first met in rule_order, with the figure that met it and its year. An
-- enterprise meeting none but reaching review_fraction × a threshold is listed for review, with the
-- rule it is nearest to. Market sectors: the sector of the enterprise's latest report in the period.
-- One row per list year × scheme × enterprise that has any figure in the period; list_status is
-- 'included', 'review' or 'below'.
{%- set period_years = var('mrv_reference_period_years') %}
with

energy_years as (
    select * from {{ ref('int_enterprise_energy_years') }}
),

captive as (
    select credit_code, year, max(captive_power_kw) as captive_power_kw
    from {{ ref('stg_raw__mrv_captive_power') }}
    group by all
),

rules as (
    select * from {{ ref('ref_mrv_inclusion_rules') }}
),

list_years as (
    select distinct year as list_year from energy_years
),

figures as (
    select credit_code, list_year, 'energy' as rule_code, energy_tce as figure, year as figure_year
    from energy_years join list_years on year between list_year - {{ period_years }} + 1 and list_year
    union all
    select credit_code, list_year, 'emissions', emissions_tco2e, year
    from energy_years join list_years on year between list_year - {{ period_years }} + 1 and list_year
    union all
    select credit_code, list_year, 'captive_power', captive_power_kw, year
    from captive join list_years on year between list_year - {{ period_years }} + 1 and list_year
),

-- the highest figure of each rule in the period (the latest year on a tie)
best as (
    select credit_code, list_year, rule_code, figure, figure_year
    from (
        select *, row_number() over (
            partition by credit_code, list_year, rule_code order by figure desc, figure_year desc) as position
        from figures
        where figure is not null
    )
    where position = 1
),

-- who the enterprise is: its latest report in the period
profile as (
    select credit_code, list_year, enterprise_name, region_code, sector_code, is_market_sector, declared_in_ets
    from (
        select energy_years.*, list_years.list_year, row_number() over (
            partition by energy_years.credit_code, list_years.list_year order by energy_years.year desc) as position
        from energy_years
        join list_years on energy_years.year between list_years.list_year - {{ period_years }} + 1 and list_years.list_year
    )
    where position = 1
),

candidates as (
    select distinct credit_code, list_year from best
),

tested as (
    select
        candidates.credit_code,
        candidates.list_year,
        rules.scheme_code,
        rules.rule_code,
        rules.rule_order,
        rules.threshold,
        rules.unit,
        rules.review_fraction,
        best.figure,
        best.figure_year,
        rules.applies_to = 'all_sectors' or coalesce(profile.is_market_sector, false)      as applies,
        best.figure >= rules.threshold                                                       as meets,
        best.figure >= rules.review_fraction * rules.threshold                              as near,
        best.figure / rules.threshold                                                        as threshold_ratio
    from candidates
    cross join rules
    left join best
        on best.credit_code = candidates.credit_code and best.list_year = candidates.list_year
       and best.rule_code = rules.rule_code
    left join profile on profile.credit_code = candidates.credit_code and profile.list_year = candidates.list_year
),

-- the rule the list names: the first met; else, for review, the nearest
chosen as (
    select *
    from (
        select *, row_number() over (
            partition by credit_code, list_year, scheme_code
            order by (applies and coalesce(meets, false)) desc, case when applies and coalesce(meets, false) then rule_order end,
                     (applies and coalesce(near, false)) desc, threshold_ratio desc nulls last, rule_order) as position
        from tested
    )
    where position = 1
),

pivoted as (
    select
        credit_code, list_year, scheme_code,
        max(figure) filter (where rule_code = 'energy')             as max_energy_tce,
        max(figure_year) filter (where rule_code = 'energy')        as max_energy_year,
        max(figure) filter (where rule_code = 'emissions')          as max_emissions_tco2e,
        max(figure_year) filter (where rule_code = 'emissions')     as max_emissions_year,
        max(figure) filter (where rule_code = 'captive_power')      as captive_power_kw
    from tested
    group by all
)

select
    chosen.list_year,
    chosen.scheme_code,
    chosen.credit_code,
    profile.enterprise_name,
    profile.region_code,
    profile.sector_code,
    coalesce(profile.is_market_sector, false)                              as is_market_sector,
    coalesce(profile.declared_in_ets, false)                               as declared_in_ets,
    chosen.list_year - {{ period_years }} + 1                              as reference_start_year,
    chosen.list_year                                                       as reference_end_year,
    pivoted.max_energy_tce,
    pivoted.max_energy_year,
    pivoted.max_emissions_tco2e,
    pivoted.max_emissions_year,
    pivoted.captive_power_kw,
    case when chosen.applies and (chosen.meets or chosen.near) then chosen.rule_code end   as inclusion_rule,
    case when chosen.applies and (chosen.meets or chosen.near) then chosen.figure end      as rule_figure,
    case when chosen.applies and (chosen.meets or chosen.near) then chosen.threshold end   as rule_threshold,
    case when chosen.applies and (chosen.meets or chosen.near) then chosen.unit end        as rule_unit,
    case when chosen.applies and (chosen.meets or chosen.near) then chosen.figure_year end as rule_year,
    case
        when chosen.applies and chosen.meets then 'included'
        when chosen.applies and chosen.near then 'review'
        else 'below'
    end                                                                    as list_status
from chosen
join pivoted
    on pivoted.credit_code = chosen.credit_code and pivoted.list_year = chosen.list_year
   and pivoted.scheme_code = chosen.scheme_code
left join profile on profile.credit_code = chosen.credit_code and profile.list_year = chosen.list_year
