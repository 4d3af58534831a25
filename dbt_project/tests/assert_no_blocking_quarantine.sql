-- Blocking: an input problem that must stop publication, such as an energy-balance column whose
-- fuel the project does not know but which holds amounts — its energy and CO2 would silently
-- vanish from every total (docs/methodology.md, "Every column of the balance"). Each row names
-- the file, sheet and column to correct (or the fuel to add to ref_fuels with its factors).
{{ config(severity='error') }}

select
    source_file,
    source_sheet,
    column_name,
    value,
    reason
from {{ ref('stg_raw__quarantine') }}
where blocks_publication
