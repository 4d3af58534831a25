-- The inventory summary table of the provincial guideline (省级温室气体清单编制指南 清单汇总表): per
-- region and inventory year, one row per line of ref_inventory_summary_rows (能源活动, its fuel
-- combustion sub-sectors, 逃逸排放, 工业生产过程, 农业, 土地利用变化和林业, 废弃物处理 and the two totals),
-- columns CO2, CH4, N2O in t of the gas and the fluorinated gases in t CO2e, 合计 in t CO2e.
-- A line sums the fct_inventory rows whose category is one of its prefixes or below one (a
-- prefix "1" takes 1 and 1.*, never 10.*). Removals are negative CO2 of 4.*, so the LULUCF line
-- and the total including it are net. The gas groups: HFCs are the gases named HFC…, SF6 itself,
-- PFCs the perfluorocarbons (CF4, C2F6 … : C and F only); a gas of none of these (NF3) counts in
-- 合计 only. A region-year the inventory has no row of for a line gets that line with nulls, not 0.
-- Beside the guideline's columns, each gas group also in t CO2e (ch4_co2e_t, n2o_co2e_t and
-- fgases_co2e_t = every gas but CO2, CH4 and N2O) so that the inventory page shows the lines as
-- they are here, in one unit, without adding anything up itself; line_kind and sector (from the
-- seed) say which lines are the five sectors and which the totals.
with

summary_rows as (
    select
        row_order,
        label_zh,
        label_en,
        line_kind,
        nullif(trim(sector), '')                   as sector,
        {{ split_text('trim(category_prefixes)', ' ') }} as prefixes,
        -- LULUCF (4) is the one sector with removals (negative CO2): its line and the total that
        -- includes it are net figures
        {{ list_any(split_text('trim(category_prefixes)', ' '), 'prefix', "prefix = '4' or substr(prefix, 1, 2) = '4.'") }}
            as includes_removals
    from {{ ref('ref_inventory_summary_rows') }}
),

inventory as (
    select
        region_code,
        year,
        category_code,
        gas,
        emissions_t,
        co2e_t,
        case
            when gas in ('CO2', 'CH4', 'N2O', 'SF6') then gas
            when gas like 'HFC%' then 'HFCs'
            when {{ regexp_full_match('gas', '[cC]?C[0-9]*F[0-9]+') }} then 'PFCs'
        end as gas_group
    from {{ ref('fct_inventory') }}
),

region_years as (
    select distinct region_code, year from inventory
),

matched as (
    select
        inventory.*,
        summary_rows.row_order
    from inventory
    inner join summary_rows
        -- the category itself or one below a prefix (1.A.2.a is under 1.A.2; "1" never takes 10.x)
        on {{ list_any(
            'summary_rows.prefixes', 'prefix',
            "inventory.category_code = prefix or substr(inventory.category_code, 1, length(prefix) + 1) = prefix || '.'"
        ) }}
),

sums as (
    select
        region_code,
        year,
        row_order,
        sum(emissions_t) filter (where gas_group = 'CO2')   as co2_t,
        sum(emissions_t) filter (where gas_group = 'CH4')   as ch4_t,
        sum(emissions_t) filter (where gas_group = 'N2O')   as n2o_t,
        sum(co2e_t) filter (where gas_group = 'HFCs')       as hfcs_co2e_t,
        sum(co2e_t) filter (where gas_group = 'PFCs')       as pfcs_co2e_t,
        sum(co2e_t) filter (where gas_group = 'SF6')        as sf6_co2e_t,
        sum(co2e_t) filter (where gas = 'CH4')              as ch4_co2e_t,
        sum(co2e_t) filter (where gas = 'N2O')              as n2o_co2e_t,
        sum(co2e_t) filter (where gas not in ('CO2', 'CH4', 'N2O'))
                                                            as fgases_co2e_t,
        sum(co2e_t)                                         as total_co2e_t
    from matched
    group by region_code, year, row_order
)

select
    cast(region_years.region_code as string)           as region_code,
    cast(region_years.year as integer)                  as year,
    cast(summary_rows.row_order as integer)             as row_order,
    cast(summary_rows.label_zh as string)              as label_zh,
    cast(summary_rows.label_en as string)              as label_en,
    cast(summary_rows.line_kind as string)             as line_kind,
    cast(summary_rows.sector as string)                as sector,
    summary_rows.includes_removals                      as includes_removals,
    cast(sums.co2_t as double)                          as co2_t,
    cast(sums.ch4_t as double)                          as ch4_t,
    cast(sums.n2o_t as double)                          as n2o_t,
    cast(sums.hfcs_co2e_t as double)                    as hfcs_co2e_t,
    cast(sums.pfcs_co2e_t as double)                    as pfcs_co2e_t,
    cast(sums.sf6_co2e_t as double)                     as sf6_co2e_t,
    cast(sums.ch4_co2e_t as double)                     as ch4_co2e_t,
    cast(sums.n2o_co2e_t as double)                     as n2o_co2e_t,
    cast(sums.fgases_co2e_t as double)                  as fgases_co2e_t,
    cast(sums.total_co2e_t as double)                   as total_co2e_t
from region_years
cross join summary_rows
left join sums
    on sums.region_code = region_years.region_code
    and sums.year = region_years.year
    and sums.row_order = summary_rows.row_order
