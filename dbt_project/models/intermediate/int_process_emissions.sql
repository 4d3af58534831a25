-- Industrial process CO2 (工业生产过程) from enterprise report process lines, per region, year
-- and process: the authoritative version's lines (int_process_emission_lines) counted by the
-- enterprise's own region and by each of its ancestors (int_region_ancestors), so a county's
-- lines are that county's own process emissions and a city's (and the province's) are the lines
-- of the enterprises located inside it. Grain: region × year × sector_code ('process_<name>').
with

lines as (
    select * from {{ ref('int_process_emission_lines') }}
),

ancestors as (
    select region_code, ancestor_code from {{ ref('int_region_ancestors') }}
)

select
    ancestors.ancestor_code                                         as region_code,
    lines.year,
    lines.sector_code,
    'none'                                                          as fuel_code,
    sum(lines.activity_value)                                       as activity_value,
    any_value(lines.activity_unit)                                  as activity_unit,
    sum(lines.co2_t)                                                as co2_t,
    {{ list_agg_distinct_sorted('lines.source_file') }}    as source_files,
    'enterprise_report_emission_factor'                             as factor_source
from lines
inner join ancestors on ancestors.region_code = lines.region_code
group by ancestors.ancestor_code, lines.year, lines.sector_code
