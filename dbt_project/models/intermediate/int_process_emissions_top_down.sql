-- Top-down industrial process emissions (自上而下): the production statistics of a region and
-- year × the factor of each product and gas (ref_process_emission_factors under var('factor_set')),
-- per region × year × process × gas. A region's figure comes from its own statistics, never
-- summed from its children (a city without statistics has no top-down figure; its enterprises'
-- lines are then its figure, int_process_emissions_by_method). A blank amount is no figure.
with

production as (
    select * from {{ ref('stg_raw__production_statistics') }}
    where amount_t is not null
),

products as (
    select product_code, process_code from {{ ref('ref_process_products') }}
),

factors as (
    select product_code, gas, factor_t_per_t
    from {{ ref('ref_process_emission_factors') }}
    where factor_set = '{{ var("factor_set") }}'
),

gwp as (
    select gas, gwp100 from {{ ref('stg_reference__gwp') }}
    where gwp_set = '{{ var("gwp_set") }}'
),

per_product as (
    select
        production.region_code,
        production.year,
        products.process_code,
        factors.gas,
        production.amount_t,
        {{ process_emissions_t('production.amount_t', 'factors.factor_t_per_t') }}   as emissions_t,
        production.source_file
    from production
    inner join products on products.product_code = production.product_code
    inner join factors on factors.product_code = production.product_code
),

per_process as (
    select
        region_code,
        year,
        process_code,
        gas,
        -- the tonnes of the products that emit this gas (several products of one process add up:
        -- 硅铁 + 硅锰合金 are the ferroalloy output)
        sum(amount_t)                                                   as activity_value,
        sum(emissions_t)                                                as emissions_t,
        {{ list_agg_distinct_sorted('source_file') }}                as source_files
    from per_product
    group by region_code, year, process_code, gas
)

select
    per_process.region_code,
    per_process.year,
    per_process.process_code,
    per_process.gas,
    per_process.activity_value,
    't'                                                                 as activity_unit,
    per_process.emissions_t,
    {{ co2e_t('per_process.emissions_t', 'gwp.gwp100') }}               as co2e_t,
    'ref_process_emission_factors:{{ var("factor_set") }}'              as factor_source,
    per_process.source_files
from per_process
left join gwp on gwp.gas = per_process.gas
