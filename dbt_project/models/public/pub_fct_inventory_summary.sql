-- fct_inventory_summary for the public warehouse. The lines that contain industrial processes
-- (工业生产过程 and both totals) contain the enterprises' bottom-up process CO2; where that cell is
-- hidden (fct_region_year.process_suppressed) their figures are null, or the published statistics
-- lines would give it back by subtraction. Every other line is statistics and shown as it is.
with

summary as (
    select * from {{ ref('fct_inventory_summary') }}
),

lines as (
    -- ' 2 ' among the space-separated prefixes, padded: one spelling for both engines
    select row_order, (' ' || category_prefixes || ' ') like '% 2 %' as contains_processes
    from {{ ref('ref_inventory_summary_rows') }}
),

hidden as (
    select region_code, year, process_suppressed, process_suppression_reason
    from {{ ref('pub_fct_region_year') }}
),

flagged as (
    select
        summary.*,
        coalesce(lines.contains_processes and hidden.process_suppressed, false)    as suppressed,
        case when lines.contains_processes and hidden.process_suppressed
             then hidden.process_suppression_reason end                             as suppression_reason
    from summary
    left join lines on lines.row_order = summary.row_order
    left join hidden on hidden.region_code = summary.region_code and hidden.year = summary.year
)

select
    region_code,
    year,
    row_order,
    label_zh,
    label_en,
    line_kind,
    sector,
    includes_removals,
    case when suppressed then null else co2_t end           as co2_t,
    case when suppressed then null else ch4_t end           as ch4_t,
    case when suppressed then null else n2o_t end           as n2o_t,
    case when suppressed then null else hfcs_co2e_t end     as hfcs_co2e_t,
    case when suppressed then null else pfcs_co2e_t end     as pfcs_co2e_t,
    case when suppressed then null else sf6_co2e_t end      as sf6_co2e_t,
    case when suppressed then null else ch4_co2e_t end      as ch4_co2e_t,
    case when suppressed then null else n2o_co2e_t end      as n2o_co2e_t,
    case when suppressed then null else fgases_co2e_t end   as fgases_co2e_t,
    case when suppressed then null else total_co2e_t end    as total_co2e_t,
    suppressed,
    suppression_reason
from flagged
