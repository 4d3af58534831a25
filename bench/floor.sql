-- The floor: the build's core energy outputs in one SQL pass over the balance cells as written
-- (bench/floor.py reads the workbooks once into `cells`, the reference seeds into ref_*).
-- The same rules as the dbt models named beside each step, written again by hand and nothing
-- else: no tests, no lineage, no checks, no publication. bench/floor.py --check compares the
-- result to a build's marts.

-- Names as written → codes (the seeds' alias lists), units → canonical amount (sources/README.md's
-- unit table: the spellings the generator writes; an unknown spelling stops floor.py).
create or replace temp table balance as
with
item_names as (
    select item_code, role as item_role, combustion_co2_counted, unnest(string_split(aliases, '|')) as name
    from ref_energy_balance_items
),
fuel_names as (
    select fuel_code, unnest(string_split(aliases, '|')) as name from ref_fuels
),
units(unit_written, factor) as (
    values ('万吨', 1e4), ('吨', 1.0), ('亿立方米', 1e4), ('万立方米', 1.0), ('万千瓦时', 10.0),
           ('亿千瓦时', 1e5), ('百万千焦', 1.0), ('万百万千焦', 1e4), ('吨标准煤', 1.0), ('万吨标准煤', 1e4)
)
select
    coalesce(changes.new_code, cells.region_code)       as region_code,
    cells.year,
    item_names.item_code,
    item_names.item_role,
    item_names.combustion_co2_counted,
    fuel_names.fuel_code,
    cells.value_number * units.factor                   as value
from cells
left join ref_region_code_changes as changes on changes.old_code = cells.region_code
left join item_names on item_names.name = cells.item_name
left join fuel_names on fuel_names.name = cells.fuel_name
left join units on units.unit_written = cells.unit_written;

-- int_energy_consumption_by_fuel: per fuel, final use + losses − net transformation input;
-- only fuels with a use row count.
create or replace temp table by_fuel as
select
    balance.region_code,
    balance.year,
    balance.fuel_code,
    any_value(ref_fuels.tce_per_unit) as tce_per_unit,
    sum(value) filter (where item_role = 'final')          as final_use,
    sum(value) filter (where item_role = 'loss')           as loss,
    sum(value) filter (where item_role = 'transformation') as transformation_signed
from balance
join ref_fuels using (fuel_code)
group by all;

-- (c) int_energy_combustion_emissions: the final rows (industry net of its feedstock sub-item)
-- and the fuel inputs (negative cells) of power and heat plants, fossil fuels only; by-product
-- gases count their energy and no CO2, non-energy products count nothing.
create or replace table floor_energy_emissions as
with
feedstock as (
    select region_code, year, fuel_code, value as feedstock_value from balance where item_role = 'feedstock'
),
activity as (
    select balance.region_code, balance.year, balance.item_code as sector_code, balance.fuel_code,
           balance.value - case when balance.item_code = 'final_industry'
                                then coalesce(feedstock.feedstock_value, 0) else 0 end as activity_value
    from balance
    left join feedstock using (region_code, year, fuel_code)
    where balance.item_role = 'final'
    union all
    select region_code, year, item_code, fuel_code, -value
    from balance
    where item_role = 'transformation' and value < 0
)
select
    activity.region_code,
    activity.year,
    activity.sector_code                                    as balance_item_code,
    activity.fuel_code,
    activity.activity_value * ref_fuels.tce_per_unit        as energy_tce,
    case when ref_fuels.combustion_rule = 'counted'
         then activity.activity_value * factors.ncv_gj_per_unit * factors.carbon_content_tc_per_tj / 1000.0
              * factors.oxidation_fraction * 44.0 / 12.0
         else 0 end                                         as co2_t
from activity
join ref_fuels using (fuel_code)
join ref_energy_balance_items as items on items.item_code = activity.sector_code
left join ref_fuel_emission_factors as factors
    on factors.fuel_code = activity.fuel_code and factors.factor_set = getvariable('factor_set')
where items.combustion_co2_counted and ref_fuels.is_fossil and ref_fuels.combustion_rule <> 'non_energy_product';

-- (b) int_region_year_energy + int_region_year_inventory: energy consumption (null without a use
-- row) and direct combustion CO2 (0 without fossil combustion) of every region-year with a balance.
create or replace table floor_region_year as
with
energy as (
    select region_code, year,
           sum((coalesce(final_use, 0) + coalesce(loss, 0) - coalesce(transformation_signed, 0)) * tce_per_unit)
               as energy_consumption_tce
    from by_fuel
    where final_use is not null or loss is not null or transformation_signed is not null
    group by all
),
combustion as (
    select region_code, year, sum(co2_t) as co2_t from floor_energy_emissions group by all
)
select region_years.region_code, region_years.year, energy.energy_consumption_tce,
       coalesce(combustion.co2_t, 0) as co2_t
from (select distinct region_code, year from balance) as region_years
left join energy using (region_code, year)
left join combustion using (region_code, year);

-- (a) enterprise-years (int_enterprise_report_versions, fct_enterprise_year): per credit code ×
-- year the version in force — 复查 > 核查 > 企业自报, and of several deliveries of that report the
-- newest file (modification time, then name) — with the sum of its lines' reported CO2 (排放量),
-- summed per delivery by floor_enterprises.py as it reads each file.
-- The build's line checks (quarantine, unit slips, duplicate lines, held re-deliveries) are not
-- repeated; floor.py --check says where they make the build differ.
create or replace table floor_enterprise_year as
select credit_code, year, reported_co2_t, lines_count
from report_deliveries
qualify row_number() over (
    partition by credit_code, year order by status_rank desc, file_mtime_ns desc, source_file desc) = 1;
