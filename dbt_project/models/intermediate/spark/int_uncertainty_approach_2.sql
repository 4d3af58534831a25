-- The Approach 2 Monte Carlo on the `spark` target (issue 18). dbt-spark runs Python models only
-- on Databricks (job_cluster, all_purpose_cluster), not with the session method, so on Spark this
-- model stands in for models/intermediate/int_uncertainty_approach_2.py (enabled on every other
-- target, dbt_project.yml): Spark SQL's TRANSFORM pipes the inputs, in one partition, through
-- scripts/uncertainty_approach_2_transform.py, which calls that model's own pure function
-- monte_carlo. Same inputs, same seed → the same rows as on DuckDB. The script runs under
-- GHG_SPARK_PYTHON (a Python with numpy and pandas; default python3), from the project folder
-- (--project-dir, else the working directory: the local session runs it on this machine).
{{ config(materialized='table') }}

with

regions as (
    select region_code, level from {{ ref('stg_reference__regions') }}
),

inputs as (
    select /*+ REPARTITION(1) */
        i.region_code, i.year, i.category_code, i.gas, i.uncertainty_id, i.factor_distribution,
        i.co2e_t, i.activity_uncertainty_pct, i.factor_uncertainty_pct,
        -- CATEGORY_LEVELS of the Python model: the province gets category × gas intervals
        coalesce(regions.level = 'province', false)                     as is_category_region
    from {{ ref('int_uncertainty_inputs') }} as i
    left join regions on regions.region_code = i.region_code
)

select transform (
    region_code, year, category_code, gas, uncertainty_id, factor_distribution,
    co2e_t, activity_uncertainty_pct, factor_uncertainty_pct, is_category_region
)
using '{{ env_var("GHG_SPARK_PYTHON", "python3") }} {{ invocation_args_dict.get('project_dir') or '.' }}/scripts/uncertainty_approach_2_transform.py'
as (
    region_code string, year int, category_code string, gas string, approach string,
    co2e_t double, lower_t double, upper_t double, uncertainty_pct double, trend_uncertainty_pct double
)
from inputs
