-- Regions with the project's vocabulary: 'prefecture' becomes 'city' (市州), codes renamed,
-- and city_code filled for counties that hang under a prefecture-level city.
with

source as (
    select * from {{ ref('ref_regions') }}
),

renamed as (
    select
        adcode                                                          as region_code,
        name                                                            as name_zh,
        name_en,
        case level when 'prefecture' then 'city' else level end         as level,
        division_type,
        parent_adcode                                                   as parent_code,
        province_adcode                                                 as province_code,
        source
    from source
),

-- Municipalities' districts and province-administered counties (e.g. 济源 419001) have the
-- province as parent: they have no city, so city_code stays null for them.
with_city as (
    select
        region.*,
        case
            when region.level = 'county' and parent.level = 'city' then region.parent_code
        end as city_code
    from renamed as region
    left join renamed as parent
        on parent.region_code = region.parent_code
)

select
    region_code,
    name_zh,
    name_en,
    level,
    division_type,
    parent_code,
    province_code,
    city_code,
    source
from with_city
