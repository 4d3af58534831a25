-- Agriculture (CRT sector 3), IPCC 2006 tier 1 with the factors of ref_agriculture_factors,
-- per region × year × category × sub_category × gas, in t of the gas (docs/methodology.md,
-- "Agriculture, land use and forestry, waste"):
--   3.A  enteric CH4          = head × EF_enteric / 1000
--   3.B  manure CH4           = head × EF_manure / 1000
--   3.B  manure N2O (direct)  = head × Nex × MS × EF3 / 1000 × 44/28      (managed systems only)
--   3.B.5 indirect manure N2O = managed N × FracGasMS × EF4 × 44/28       (volatilisation)
--   3.C  rice CH4             = area × EFc × SFw × SFp × SFo × days / 1000
--   3.D.1 direct soil N2O     = N (synthetic, manure applied, pasture, crop residue) × EF × 44/28
--   3.D.2 indirect soil N2O   = volatilised N × EF4 × 44/28; leached N × EF5 × 44/28
-- A region's figure is its own statistics; a blank amount is no figure (no row), and a
-- species or crop without a factor gives no row (poultry has no enteric factor, oilseeds no
-- residue parameters).
with

activity as (
    select region_code, year, item_code, amount, source_file
    from {{ ref('stg_raw__inventory_activity') }}
    where amount is not null
),

factors as (
    select parameter, subject, system, value from {{ ref('ref_agriculture_factors') }}
),

-- Species by CRT livestock group: 1 cattle, 2 sheep, 3 swine, 4 other livestock and poultry.
livestock as (
    select
        region_code,
        year,
        substr(item_code, length('livestock_') + 1)                         as species,
        amount                                                              as head,
        source_file
    from activity
    where item_code like 'livestock!_%' escape '!'
),

livestock_grouped as (
    select
        *,
        case
            when species in ('dairy_cattle', 'non_dairy_cattle') then '1'
            when species = 'sheep' then '2'
            when species = 'swine' then '3'
            else '4'
        end                                                                 as crt_group
    from livestock
),

-- Enteric (3.A) and manure (3.B) CH4 per head: the parameter names the category.
per_head_ch4 as (
    select
        l.region_code, l.year,
        case f.parameter when 'enteric_ch4_kg_per_head' then '3.A.' else '3.B.' end || l.crt_group
                                                                            as category_code,
        l.species                                                           as sub_category,
        'CH4'                                                               as gas,
        {{ t_from_kg_factor('l.head', 'f.value') }}                         as emissions_t,
        l.head                                                              as activity_value,
        'head'                                                              as activity_unit,
        'ref_agriculture_factors:' || f.parameter || '/' || l.species       as factor_source,
        {{ list_of('l.source_file') }}                                                     as source_files
    from livestock_grouped as l
    inner join factors as f
        on f.parameter in ('enteric_ch4_kg_per_head', 'manure_ch4_kg_per_head')
       and f.subject = l.species
),

-- N excreted per species and manure management system, t N = head × Nex × MS / 1000.
manure_n as (
    select
        l.region_code, l.year, l.species, l.crt_group, l.source_file,
        ms.system,
        l.head * nex.value * ms.value / 1000.0                              as n_t
    from livestock_grouped as l
    inner join factors as nex
        on nex.parameter = 'nex_kg_n_per_head' and nex.subject = l.species
    inner join factors as ms
        on ms.parameter = 'mms_share' and ms.subject = l.species
),

-- Managed systems only: manure left on pasture is a soil source (3.D.1), not 3.B.
managed_n as (
    select
        manure_n.*,
        ef3.value                                                           as ef3,
        gas_ms.value                                                        as frac_gas_ms,
        loss_ms.value                                                       as frac_loss_ms
    from manure_n
    inner join factors as ef3
        on ef3.parameter = 'ef3_n2o_n_per_n' and ef3.system = manure_n.system
    left join factors as gas_ms
        on gas_ms.parameter = 'frac_gas_ms' and gas_ms.subject = manure_n.species
       and gas_ms.system = manure_n.system
    left join factors as loss_ms
        on loss_ms.parameter = 'frac_loss_ms' and loss_ms.subject = manure_n.species
       and loss_ms.system = manure_n.system
    where manure_n.system <> 'pasture'
),

manure_n2o_direct as (
    select
        region_code, year,
        '3.B.' || crt_group                                                 as category_code,
        species                                                             as sub_category,
        'N2O'                                                               as gas,
        {{ ordered_sum(n2o_from_n2o_n('n_t * ef3')) }}                      as emissions_t,
        sum(n_t)                                                            as activity_value,
        't N'                                                               as activity_unit,
        'ref_agriculture_factors:nex_kg_n_per_head,mms_share,ef3_n2o_n_per_n/' || species
                                                                            as factor_source,
        {{ list_agg_distinct('source_file') }}                                          as source_files
    from managed_n
    group by region_code, year, crt_group, species
),

manure_n2o_indirect as (
    select
        managed_n.region_code, managed_n.year,
        '3.B.5'                                                             as category_code,
        managed_n.species                                                   as sub_category,
        'N2O'                                                               as gas,
        {{ ordered_sum(n2o_from_n2o_n('managed_n.n_t * managed_n.frac_gas_ms * ef4.value')) }}
                                                                            as emissions_t,
        sum(managed_n.n_t * managed_n.frac_gas_ms)                          as activity_value,
        't N volatilised'                                                   as activity_unit,
        'ref_agriculture_factors:frac_gas_ms,ef4_n2o_n_per_n/' || managed_n.species
                                                                            as factor_source,
        {{ list_agg_distinct('managed_n.source_file') }}                                as source_files
    from managed_n
    inner join factors as ef4 on ef4.parameter = 'ef4_n2o_n_per_n'
    where managed_n.frac_gas_ms is not null
    group by managed_n.region_code, managed_n.year, managed_n.species
),

rice as (
    select
        a.region_code, a.year,
        '3.C'                                                               as category_code,
        substr(a.item_code, length('rice_area_') + 1)                       as sub_category,
        'CH4'                                                               as gas,
        a.amount * efc.value * sfw.value * sfp.value * sfo.value * days.value / 1000.0
                                                                            as emissions_t,
        a.amount                                                            as activity_value,
        'ha'                                                                as activity_unit,
        'ref_agriculture_factors:rice_ch4_kg_per_ha_day,rice_scaling_factor_*,rice_cultivation_days/'
            || substr(a.item_code, length('rice_area_') + 1)                as factor_source,
        {{ list_of('a.source_file') }}                                                     as source_files
    from activity as a
    inner join factors as days
        on days.parameter = 'rice_cultivation_days'
       and days.subject = substr(a.item_code, length('rice_area_') + 1)
    inner join factors as efc on efc.parameter = 'rice_ch4_kg_per_ha_day'
    inner join factors as sfw on sfw.parameter = 'rice_scaling_factor_water'
    inner join factors as sfp on sfp.parameter = 'rice_scaling_factor_preseason'
    inner join factors as sfo on sfo.parameter = 'rice_scaling_factor_organic'
    where a.item_code like 'rice!_area!_%' escape '!'
),

-- Crop residue N returned to soils (IPCC 2006 eq. 11.6 with ratios, docs/methodology.md):
-- crop × DRY × (R_AG × N_AG × (1 − FracRemove) + R_BG-BIO × (1 + R_AG) × N_BG).
crop_residue_n as (
    select
        a.region_code, a.year, a.source_file,
        a.amount * dry.value * (
            r_ag.value * n_ag.value * (1.0 - removed.value)
            + r_bg.value * (1.0 + r_ag.value) * n_bg.value
        )                                                                   as n_t
    from activity as a
    inner join factors as dry
        on dry.parameter = 'crop_dry_matter_fraction' and dry.subject = substr(a.item_code, 6)
    inner join factors as r_ag
        on r_ag.parameter = 'crop_residue_ag_ratio' and r_ag.subject = substr(a.item_code, 6)
    inner join factors as n_ag
        on n_ag.parameter = 'crop_residue_n_ag' and n_ag.subject = substr(a.item_code, 6)
    inner join factors as r_bg
        on r_bg.parameter = 'crop_root_ratio' and r_bg.subject = substr(a.item_code, 6)
    inner join factors as n_bg
        on n_bg.parameter = 'crop_residue_n_bg' and n_bg.subject = substr(a.item_code, 6)
    inner join factors as removed on removed.parameter = 'frac_residue_removed'
    where a.item_code like 'crop!_%' escape '!'
),

-- The N inputs to managed soils (t N), one row per contributing statistic.
soil_n_inputs as (
    select region_code, year, 'synthetic_n' as n_source, amount as n_t, source_file
    from activity
    where item_code = 'synthetic_n_fertiliser'
    union all
    select region_code, year, 'manure_applied_n', n_t * (1.0 - frac_loss_ms), source_file
    from managed_n
    where frac_loss_ms is not null
    union all
    select region_code, year, 'pasture_manure_n', n_t, source_file
    from manure_n
    where system = 'pasture'
    union all
    select region_code, year, 'crop_residue_n', n_t, source_file
    from crop_residue_n
),

soil_n as (
    select
        region_code, year, n_source,
        {{ ordered_sum('n_t') }}                                            as n_t,
        {{ list_agg_distinct('source_file') }}                                          as source_files
    from soil_n_inputs
    group by region_code, year, n_source
),

soil_direct as (
    select
        soil_n.region_code, soil_n.year,
        '3.D.1'                                                             as category_code,
        soil_n.n_source                                                     as sub_category,
        'N2O'                                                               as gas,
        {{ n2o_from_n2o_n('soil_n.n_t * ef.value') }}                       as emissions_t,
        soil_n.n_t                                                          as activity_value,
        't N'                                                               as activity_unit,
        'ref_agriculture_factors:' || ef.parameter || '/' || ef.system      as factor_source,
        soil_n.source_files
    from soil_n
    inner join factors as ef
        on (soil_n.n_source <> 'pasture_manure_n' and ef.parameter = 'ef1_n2o_n_per_n')
        or (soil_n.n_source = 'pasture_manure_n' and ef.parameter = 'ef3_n2o_n_per_n'
            and ef.system = 'pasture')
),

-- Indirect: volatilised N (synthetic × FracGASF, organic and pasture × FracGASM) and leached N
-- (all inputs × FracLEACH).
soil_n_pathways as (
    select
        soil_n.region_code, soil_n.year,
        {{ ordered_sum("case
                when soil_n.n_source = 'synthetic_n' then soil_n.n_t * gasf.value
                when soil_n.n_source in ('manure_applied_n', 'pasture_manure_n') then soil_n.n_t * gasm.value
                else 0.0
            end") }}                                                        as n_volatilised_t,
        {{ ordered_sum('soil_n.n_t * leach.value') }}                       as n_leached_t,
        {{ text_list_union_agg('soil_n.source_files') }}                                  as source_files
    from soil_n
    inner join factors as gasf on gasf.parameter = 'frac_gasf'
    inner join factors as gasm on gasm.parameter = 'frac_gasm'
    inner join factors as leach on leach.parameter = 'frac_leach'
    group by soil_n.region_code, soil_n.year
),

soil_indirect as (
    select
        p.region_code, p.year,
        '3.D.2'                                                             as category_code,
        'atmospheric_deposition'                                            as sub_category,
        'N2O'                                                               as gas,
        {{ n2o_from_n2o_n('p.n_volatilised_t * ef4.value') }}               as emissions_t,
        p.n_volatilised_t                                                   as activity_value,
        't N volatilised'                                                   as activity_unit,
        'ref_agriculture_factors:frac_gasf,frac_gasm,ef4_n2o_n_per_n'       as factor_source,
        {{ list_distinct('p.source_files') }}                                       as source_files
    from soil_n_pathways as p
    inner join factors as ef4 on ef4.parameter = 'ef4_n2o_n_per_n'
    union all
    select
        p.region_code, p.year,
        '3.D.2', 'leaching', 'N2O',
        {{ n2o_from_n2o_n('p.n_leached_t * ef5.value') }},
        p.n_leached_t,
        't N leached',
        'ref_agriculture_factors:frac_leach,ef5_n2o_n_per_n',
        {{ list_distinct('p.source_files') }}
    from soil_n_pathways as p
    inner join factors as ef5 on ef5.parameter = 'ef5_n2o_n_per_n'
),

emissions as (
    select * from per_head_ch4
    union all
    select * from manure_n2o_direct
    union all
    select * from manure_n2o_indirect
    union all
    select * from rice
    union all
    select * from soil_direct
    union all
    select * from soil_indirect
)

{{ inventory_sector_select('emissions', method="'tier_1'") }}
