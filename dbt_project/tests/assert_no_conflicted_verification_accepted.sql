-- Blocking: the conflict rule of the MRV year holds in what is published. A verification or re-check
-- by a verifier the rule excludes (the re-check by the first verifier, or a verifier that consulted
-- for the enterprise) is never counted as accepted — the enterprise's stage stays below it — and it
-- heads the chase list for the office to reassign (int_mrv_verifications, fct_mrv_submissions).
-- A row here means the tracking counts a verification the rule refuses.
{{ config(severity='error') }}

select report_year, scheme_code, credit_code, verification_status, recheck_status, stage, chase_reason
from {{ ref('fct_mrv_submissions') }}
where (verification_status = 'conflict' and stage not in ('expected', 'reported'))
   or (recheck_status = 'conflict' and stage = 'rechecked')
   or (verifier_conflict and coalesce(chase_reason, '') <> 'verifier_conflict')
   or (verifier_conflict <> (verification_status = 'conflict' or recheck_status = 'conflict'))
