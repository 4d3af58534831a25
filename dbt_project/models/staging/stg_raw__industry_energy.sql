-- Industry table cells (工业分行业终端能源消费量), typed. A division's 其中：用作原料、材料 sub-row
-- (is_feedstock) is part of its figure; int_industry_energy_reconciliation takes it out of combustion.
with

source as (
    select * from {{ source('raw', 'industry_energy') }}
),

renamed as (
    select
        cast(source_file as string)        as source_file,
        cast(source_sheet as string)       as source_sheet,
        cast(source_row as integer)         as source_row,
        cast(source_column as string)      as source_column,
        cast(region_code as string)        as region_code,
        cast(year as integer)               as year,
        cast(division_code as string)      as division_code,
        cast(is_feedstock as boolean)       as is_feedstock,
        cast(fuel_code as string)          as fuel_code,
        cast(value as double)               as value,
        cast(unit as string)               as unit,
        cast(value_original as double)      as value_original,
        cast(unit_original as string)      as unit_original
    from source
)

select * from renamed
