-- The grid CO2 factor (tCO2/MWh) that prices each region's net electricity imports, per year.
-- Chosen per province by ref_grid_factor_choice; cities and counties take their province's.
-- Grain: region × year, for every region and every year some choice row covers.
with

choices as (
    select * from {{ ref('stg_reference__grid_factor_choice') }}
),

regions as (
    select region_code, level, province_code from {{ ref('stg_reference__regions') }}
),

province_grids as (
    select * from {{ ref('stg_reference__province_grids') }}
),

grid_factors as (
    select * from {{ ref('stg_reference__grid_factors') }}
),

provinces as (
    select region_code as province_code from regions where level = 'province'
),

choice_years as (
    select
        choices.*,
        -- generate_series yields BIGINT; years are INTEGER everywhere else
        {{ integer_range_rows('choices.year_from', 'choices.year_to') }} as year
    from choices
),

-- 'default' speaks for every province; a province's own row wins for the years it covers
-- (and among overlapping rows of the same kind, the one starting latest).
chosen_per_province_year as (
    select
        provinces.province_code,
        choice_years.year,
        choice_years.grid_factor_set,
        choice_years.grid_scope,
        choice_years.grid_scheme
    from provinces
    inner join choice_years
        on choice_years.province_code in (provinces.province_code, 'default')
    qualify row_number() over (
        partition by provinces.province_code, choice_years.year
        order by (choice_years.province_code = provinces.province_code) desc, choice_years.year_from desc
    ) = 1
),

-- The factor row that matches the choice: the province's regional grid under the choice's
-- scheme, the province itself, or the nation. A year-less row (NDRC 2012) holds for every
-- year; otherwise the factor of the year itself, else the latest earlier year (factors are
-- published late), else the earliest later one (no back-casting beyond the first release).
matched_factors as (
    select
        chosen.province_code,
        chosen.year,
        chosen.grid_factor_set,
        chosen.grid_scope,
        grid_factors.grid_name,
        grid_factors.factor_year,
        grid_factors.grid_factor_tco2_per_mwh
    from chosen_per_province_year as chosen
    left join province_grids
        on  province_grids.grid_scheme = chosen.grid_scheme
        and province_grids.province_code = chosen.province_code
    left join grid_factors
        on  grid_factors.grid_factor_set = chosen.grid_factor_set
        and grid_factors.grid_scope = chosen.grid_scope
        and (
               (chosen.grid_scope = 'regional_grid' and grid_factors.grid_name = province_grids.grid_name)
            or (chosen.grid_scope = 'province' and grid_factors.province_code = chosen.province_code)
            or chosen.grid_scope = 'national'
        )
    qualify row_number() over (
        partition by chosen.province_code, chosen.year
        order by
            case
                when grid_factors.factor_year = chosen.year then 0
                when grid_factors.factor_year < chosen.year then 1
                when grid_factors.factor_year > chosen.year then 2
                else 3
            end,
            abs(grid_factors.factor_year - chosen.year)
    ) = 1
),

-- A province-year with no matching factor row (e.g. a province outside the chosen grid
-- scheme) keeps its row with a null factor: its import adjustment is then unknown, not zero.
by_region_year as (
    select
        regions.region_code,
        matched.year,
        regions.province_code,
        matched.grid_factor_set,
        matched.grid_scope,
        matched.grid_name,
        matched.factor_year,
        matched.grid_factor_tco2_per_mwh
    from regions
    inner join matched_factors as matched
        on matched.province_code = regions.province_code
)

select * from by_region_year
