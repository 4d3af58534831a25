-- Waste (CRT sector 5), per region × year × category × sub_category × gas, in t of the gas, with
-- the parameters of ref_waste_parameters (docs/methodology.md, "Agriculture, land use and
-- forestry, waste"):
--   5.A   landfill CH4, IPCC first-order decay (Vol.5 ch.3), year by year from the region's first
--         landfill year in the data to its last:
--           DDOCm deposited_T = W_T × DOC × DOCf × MCF
--           decomposed_T      = DDOCm accumulated_{T−1} × (1 − e^−k)
--                             = Σ_{t<T} DDOCm deposited_t × e^(−k (T−1−t)) × (1 − e^−k)
--           CH4_T             = (decomposed_T × F × 16/12 − R_T) × (1 − OX),  R_T = recovered share
--         Deposition-year convention: waste deposited in year t starts to decay on 1 January of
--         t + 1 (nothing decays in its own year), as in the IPCC waste model. Waste deposited
--         before the first year in the data is not known and not counted (early years are low).
--         A year without a figure between two that have one is interpolated linearly.
--   5.C.1 incineration CO2 (fossil part) = W × dm × CF × FCF × OF × 44/12; N2O = W × EF (g/t) / 10^6
--   5.D.1 domestic CH4 = (BOD − BOD removed with sludge) × Bo × MCF
--         domestic N2O = (population × protein × FracNPR × F_NON-CON × F_IND-COM − N_sludge) × EF × 44/28
--   5.D.2 industrial CH4 = COD treated × Bo × MCF_treated + COD discharged × Bo × MCF_discharged
with

activity as (
    select region_code, year, item_code, amount, source_file
    from {{ ref('stg_raw__inventory_activity') }}
    where amount is not null
),

parameters as (
    select parameter, subject, value from {{ ref('ref_waste_parameters') }}
),

msw_parameters as (
    select
        max(value) filter (where parameter = 'doc')                         as doc,
        max(value) filter (where parameter = 'docf')                        as docf,
        max(value) filter (where parameter = 'mcf')                         as mcf,
        max(value) filter (where parameter = 'f_ch4')                       as f_ch4,
        max(value) filter (where parameter = 'ox')                          as ox,
        max(value) filter (where parameter = 'k_per_yr')                    as k_per_yr,
        max(value) filter (where parameter = 'recovered_fraction')          as recovered_fraction
    from parameters
    where subject = 'msw'
),

landfilled as (
    select region_code, year, amount as msw_t, source_file
    from activity
    where item_code = 'msw_landfilled'
),

landfill_years as (
    select region_code, {{ series_rows('min(year)', 'max(year)') }} as year
    from landfilled
    group by region_code
),

-- The nearest years with a figure on either side, for the linear interpolation of gaps.
landfill_neighbours as (
    select
        y.region_code,
        y.year,
        l.msw_t,
        l.source_file,
        {{ value_ignoring_nulls('last_value', 'l.year') }} over before_or_at                   as prev_year,
        {{ value_ignoring_nulls('last_value', 'l.msw_t') }} over before_or_at                  as prev_msw_t,
        {{ value_ignoring_nulls('first_value', 'l.year') }} over at_or_after                   as next_year,
        {{ value_ignoring_nulls('first_value', 'l.msw_t') }} over at_or_after                  as next_msw_t
    from landfill_years as y
    left join landfilled as l
        on l.region_code = y.region_code and l.year = y.year
    window
        before_or_at as (partition by y.region_code order by y.year
                         rows between unbounded preceding and current row),
        at_or_after as (partition by y.region_code order by y.year
                        rows between current row and unbounded following)
),

deposits as (
    select
        region_code,
        year,
        coalesce(
            msw_t,
            prev_msw_t + (next_msw_t - prev_msw_t) * (year - prev_year) / (next_year - prev_year)
        )                                                                   as msw_t,
        source_file
    from landfill_neighbours
),

decomposed as (
    select
        t.region_code,
        t.year,
        t.msw_t,
        coalesce({{ ordered_sum('case when d.year < t.year then d.msw_t * p.doc * p.docf * p.mcf * exp(-p.k_per_yr * (t.year - 1 - d.year)) end') }}, 0.0)
            * (1.0 - exp(-p.k_per_yr))                                      as ddocm_decomposed_t,
        -- the files of every deposit up to and including the year (its own is the activity)
        {{ list_agg_distinct('d.source_file') }} filter (where d.source_file is not null)
                                                                            as source_files
    from deposits as t
    cross join msw_parameters as p
    left join deposits as d
        on d.region_code = t.region_code and d.year <= t.year
    group by t.region_code, t.year, t.msw_t, p.k_per_yr
),

landfill as (
    select
        dec.region_code, dec.year,
        '5.A'                                                               as category_code,
        'msw'                                                               as sub_category,
        'CH4'                                                               as gas,
        ({{ ch4_from_c('dec.ddocm_decomposed_t * p.f_ch4') }}
            * (1.0 - p.recovered_fraction)) * (1.0 - p.ox)                  as emissions_t,
        'first_order_decay'                                                 as method,
        dec.msw_t                                                           as activity_value,
        't MSW deposited in the year'                                       as activity_unit,
        'ref_waste_parameters:doc,docf,mcf,f_ch4,ox,k_per_yr,recovered_fraction/msw'
                                                                            as factor_source,
        dec.source_files
    from decomposed as dec
    cross join msw_parameters as p
),

incinerated as (
    select
        a.region_code, a.year, a.amount, a.source_file,
        replace(a.item_code, '_incinerated', '')                            as subject
    from activity as a
    where a.item_code in ('msw_incinerated', 'hazardous_waste_incinerated')
),

incineration_parameters as (
    select
        subject,
        max(value) filter (where parameter = 'dry_matter_fraction')         as dm,
        max(value) filter (where parameter = 'carbon_fraction_dm')          as cf,
        max(value) filter (where parameter = 'fossil_carbon_fraction')      as fcf,
        max(value) filter (where parameter = 'oxidation_fraction')          as ofr,
        max(value) filter (where parameter = 'n2o_g_per_t')                 as n2o_g_per_t
    from parameters
    group by subject
),

incineration as (
    select
        i.region_code, i.year, '5.C.1' as category_code, i.subject as sub_category, 'CO2' as gas,
        {{ co2_from_c('i.amount * p.dm * p.cf * p.fcf * p.ofr') }}          as emissions_t,
        'tier_1' as method, i.amount as activity_value, 't waste' as activity_unit,
        'ref_waste_parameters:dry_matter_fraction,carbon_fraction_dm,fossil_carbon_fraction,oxidation_fraction/'
            || i.subject                                                    as factor_source,
        {{ list_of('i.source_file') }}                                                     as source_files
    from incinerated as i
    inner join incineration_parameters as p on p.subject = i.subject
    union all
    select
        i.region_code, i.year, '5.C.1', i.subject, 'N2O',
        i.amount * p.n2o_g_per_t / 1000000.0,
        'tier_1', i.amount, 't waste',
        'ref_waste_parameters:n2o_g_per_t/' || i.subject,
        {{ list_of('i.source_file') }}
    from incinerated as i
    inner join incineration_parameters as p on p.subject = i.subject
),

domestic_bod as (
    select
        bod.region_code, bod.year,
        bod.amount - coalesce(sludge.amount, 0.0)                           as bod_t,
        {{ list_distinct(list_of('bod.source_file', 'coalesce(sludge.source_file, bod.source_file)')) }}
                                                                            as source_files
    from activity as bod
    left join activity as sludge
        on sludge.region_code = bod.region_code and sludge.year = bod.year
       and sludge.item_code = 'domestic_bod_removed_sludge'
    where bod.item_code = 'domestic_wastewater_bod'
),

population as (
    select region_code, year, population_10k_persons
    from {{ ref('int_region_year_activity') }}
    where population_10k_persons is not null
),

population_files as (
    select region_code, year, {{ list_agg_distinct('source_file') }} as source_files
    from {{ ref('stg_raw__activity_statistics') }}
    where variable_code = 'population' and value is not null
    group by region_code, year
),

-- N in effluent, t N: persons × kg protein/person/yr × FracNPR × F_NON-CON × F_IND-COM / 1000 − N_sludge.
effluent_n as (
    select
        protein.region_code, protein.year,
        pop.population_10k_persons * 10000.0 * protein.amount * npr.value * non_con.value * ind_com.value
            / 1000.0 - sludge_n.value                                       as n_t,
        {{ list_distinct('flatten(' ~ list_of(list_of('protein.source_file'), 'coalesce(pop_files.source_files, ' ~ empty_text_list() ~ ')') ~ ')') }}
                                                                            as source_files
    from activity as protein
    inner join population as pop
        on pop.region_code = protein.region_code and pop.year = protein.year
    left join population_files as pop_files
        on pop_files.region_code = protein.region_code and pop_files.year = protein.year
    inner join parameters as npr on npr.parameter = 'frac_npr' and npr.subject = 'domestic'
    inner join parameters as non_con on non_con.parameter = 'f_non_con' and non_con.subject = 'domestic'
    inner join parameters as ind_com on ind_com.parameter = 'f_ind_com' and ind_com.subject = 'domestic'
    inner join parameters as sludge_n on sludge_n.parameter = 'n_sludge_t' and sludge_n.subject = 'domestic'
    where protein.item_code = 'protein_per_capita'
),

wastewater as (
    select
        b.region_code, b.year, '5.D.1' as category_code, 'domestic' as sub_category, 'CH4' as gas,
        b.bod_t * bo.value * mcf.value                                      as emissions_t,
        'tier_1' as method, b.bod_t as activity_value, 't BOD (net of sludge)' as activity_unit,
        'ref_waste_parameters:bo,mcf/domestic'                              as factor_source,
        b.source_files
    from domestic_bod as b
    inner join parameters as bo on bo.parameter = 'bo' and bo.subject = 'domestic'
    inner join parameters as mcf on mcf.parameter = 'mcf' and mcf.subject = 'domestic'
    union all
    select
        e.region_code, e.year, '5.D.1', 'domestic', 'N2O',
        {{ n2o_from_n2o_n('e.n_t * ef.value') }},
        'tier_1', e.n_t, 't N in effluent',
        'ref_waste_parameters:frac_npr,f_non_con,f_ind_com,n_sludge_t,ef_effluent_n2o_n_per_n/domestic',
        e.source_files
    from effluent_n as e
    inner join parameters as ef on ef.parameter = 'ef_effluent_n2o_n_per_n' and ef.subject = 'domestic'
    union all
    select
        a.region_code, a.year, '5.D.2',
        replace(a.item_code, 'industrial_wastewater_cod_', ''), 'CH4',
        a.amount * bo.value * mcf.value,
        'tier_1', a.amount, 't COD',
        'ref_waste_parameters:bo,' || mcf.parameter || '/industrial',
        {{ list_of('a.source_file') }}
    from activity as a
    inner join parameters as bo on bo.parameter = 'bo' and bo.subject = 'industrial'
    inner join parameters as mcf
        on mcf.subject = 'industrial'
       and mcf.parameter = 'mcf_' || replace(a.item_code, 'industrial_wastewater_cod_', '')
    where a.item_code in ('industrial_wastewater_cod_treated', 'industrial_wastewater_cod_discharged')
),

emissions as (
    select * from landfill
    union all
    select * from incineration
    union all
    select * from wastewater
)

{{ inventory_sector_select('emissions') }}
