-- Blocking: no mart holds a negative emission or intensity. An electricity-adjusted total that
-- went below zero (an exporter netted at the grid factor) ranked 临夏 second and coloured 瓜州
-- −619 %; the rule now caps the deduction, and this test keeps every mart honest.
--
-- Which columns (found in the database, so a new mart or column is scanned without editing this):
--   emissions    numeric columns named for a gas and ending in _t (a token co2, co2e, ch4, n2o,
--                ghg or emissions: co2_t, co2_for_intensity_t, verified_emissions_t …);
--   intensities  numeric columns ending in `intensity` (carbon_intensity, energy_intensity) and
--                the levels of intensity indicators (current_value, base_value where
--                level_indicator_code is an *intensity: fct_target_progress,
--                fct_region_intensity_progress).
-- Not checked, by definition signed (docs/methodology.md, "Electricity"):
--   removals     *_removals_t (forest sinks: negative emissions by convention) — the one exception
--                among emissions — and, in the marts by CRT category (a category_code and a gas
--                column: fct_inventory and the key-category and uncertainty marts built on it), the
--                CO2 rows of LULUCF categories 4.* (removals are negative CO2 there and nowhere else)
--                and the 'total' rows, which are net of them (a region whose forest takes up more
--                than it emits has a negative net total);
--                and in a mart of summary lines that says which lines hold removals (a boolean
--                includes_removals: fct_inventory_summary's LULUCF line and the total including it),
--                the CO2 and CO2e of those lines, which are net;
--   differences  a token net, residual or difference: a net flow (co2_net_electricity_import_t:
--                negative for an exporter), a residual (own − children), a recalculation
--                difference — comparisons of two figures, not emissions.
-- Every mart is listed below so that dbt builds them before this test runs; a unit test
-- (tests/unit/test_dbt_tests_cover_marts.py) fails when a mart is missing from the list.
-- depends_on: {{ ref('dim_region') }}
-- depends_on: {{ ref('dim_region_ancestors') }}
-- depends_on: {{ ref('fct_energy_emissions') }}
-- depends_on: {{ ref('fct_enterprise_report_version') }}
-- depends_on: {{ ref('fct_enterprise_year') }}
-- depends_on: {{ ref('fct_ets_compliance') }}
-- depends_on: {{ ref('fct_market_coverage') }}
-- depends_on: {{ ref('fct_market_daily') }}
-- depends_on: {{ ref('fct_market_monthly') }}
-- depends_on: {{ ref('fct_market_yearly') }}
-- depends_on: {{ ref('fct_inventory') }}
-- depends_on: {{ ref('fct_inventory_summary') }}
-- depends_on: {{ ref('fct_key_categories') }}
-- depends_on: {{ ref('fct_process_emissions') }}
-- depends_on: {{ ref('fct_recalculation') }}
-- depends_on: {{ ref('fct_region_intensity_progress') }}
-- depends_on: {{ ref('fct_region_year') }}
-- depends_on: {{ ref('fct_target_progress') }}
-- depends_on: {{ ref('fct_target_uncertainty') }}
-- depends_on: {{ ref('fct_uncertainty') }}
-- depends_on: {{ ref('fct_compliance_calendar') }}
-- depends_on: {{ ref('fct_compliance_month_load') }}
-- depends_on: {{ ref('fct_mrv_city_forwarding') }}
-- depends_on: {{ ref('fct_mrv_funnel') }}
-- depends_on: {{ ref('fct_mrv_inclusion') }}
-- depends_on: {{ ref('fct_mrv_submissions') }}
-- depends_on: {{ ref('fct_mrv_verifier_workload') }}
{%- set marts = ref('fct_region_year') %}
{#- database names of a build file can need quoting ("0f3c-run") #}
{#- Spark relations have no database, only a schema #}
{%- set marts_prefix = (adapter.quote(marts.database) ~ "." if marts.database else "") ~ adapter.quote(marts.schema) ~ "." %}
{%- set checked_columns = [] %}
{%- set level_tables = [] %}
{%- set category_tables = [] %}
{%- set removal_line_tables = [] %}
{#- found through the adapter (information_schema is DuckDB's; Spark has none): every model of the
    marts schema, its numeric columns picked by the names' tokens above, in table and column order #}
{%- if execute %}
    {%- set re = modules.re %}
    {%- set numeric_types = ['double', 'float', 'real', 'integer', 'int', 'bigint', 'hugeint', 'smallint'] %}
    {%- set tables = {} %}
    {%- for node in graph.nodes.values() if node.resource_type == 'model' and node.schema == marts.schema %}
        {%- do tables.update({node.alias: api.Relation.create(database=node.database, schema=node.schema, identifier=node.alias)}) %}
    {%- endfor %}
    {%- for table in tables | sort %}
        {%- set columns = adapter.get_columns_in_relation(tables[table]) %}
        {%- set names = columns | map(attribute='name') | list %}
        {%- for column in columns | sort(attribute='name') %}
            {%- set dtype = column.dtype | lower %}
            {%- set name = column.name %}
            {%- if (dtype in numeric_types or dtype.startswith('decimal'))
                  and not re.search('(^|_)(net|residual|difference)(_|$)', name)
                  and not name.endswith('_removals_t')
                  and ((name.endswith('_t') and re.search('(^|_)(co2|co2e|ch4|n2o|ghg|emissions)(_|$)', name))
                       or name.endswith('intensity')) %}
                {%- do checked_columns.append((table, name)) %}
            {%- endif %}
        {%- endfor %}
        {#- the marts holding intensity levels, and the marts by CRT category (a category and a gas) #}
        {%- for found_tables, wanted in [(level_tables, ['level_indicator_code', 'current_value', 'base_value']),
                                         (category_tables, ['category_code', 'gas']),
                                         (removal_line_tables, ['includes_removals'])] %}
            {%- if wanted | select('in', names) | list | length == wanted | length %}{% do found_tables.append(table) %}{% endif %}
        {%- endfor %}
    {%- endfor %}
{%- endif %}

{%- set checks = [] %}
{%- for table, column in checked_columns %}
    {%- do checks.append(
        "select '" ~ table ~ "' as table_name, '" ~ column ~ "' as column_name, count(*) as negative_rows, min("
        ~ adapter.quote(column) ~ ") as min_value from " ~ marts_prefix ~ adapter.quote(table)
        ~ " where " ~ adapter.quote(column) ~ " < 0"
        ~ (" and not ((category_code like '4.%' and gas = 'CO2') or category_code = 'total')" if table in category_tables else "")
        ~ (" and not (includes_removals and " ~ adapter.quote(column) ~ " in (co2_t, total_co2e_t))"
           if table in removal_line_tables and column in ('co2_t', 'total_co2e_t') else "")
        ~ " having count(*) > 0"
    ) %}
{%- endfor %}
{%- for table in level_tables %}
    {%- for column in ('current_value', 'base_value') %}
    {%- do checks.append(
        "select '" ~ table ~ "' as table_name, '" ~ column ~ " (intensity levels)' as column_name, count(*) as negative_rows, min("
        ~ column ~ ") as min_value from " ~ marts_prefix ~ adapter.quote(table)
        ~ " where level_indicator_code like '%intensity' and " ~ column ~ " < 0 having count(*) > 0"
    ) %}
    {%- endfor %}
{%- endfor %}

{%- if checks | length == 0 %}
select cast(null as string) as table_name, cast(null as string) as column_name,
       cast(null as bigint) as negative_rows, cast(null as double) as min_value
where false
{%- else %}
{{ checks | join('\nunion all\n') }}
{%- endif %}
