"""SQL of the MRV page (dashboards/views/mrv.py); the rules for every query: dashboards.queries."""

# --- both files (leaders too) -------------------------------------------------------------------

# Report years and schemes of the province-level MRV funnel (marts.fct_mrv_funnel: in the full file,
# and in the public file as the allow-listed copy pub_fct_mrv_funnel), newest year first. No params.
MRV_FUNNEL_YEARS = """
SELECT DISTINCT report_year, scheme_code
FROM marts.fct_mrv_funnel
ORDER BY report_year DESC, scheme_code
"""

# The funnel of one report year and scheme: included → reported → verified → re-checked (of those
# that needed a re-check) → complied (NULL: no compliance data yet), with late and missing reports,
# per province (marts.fct_mrv_funnel). Params: report_year, scheme_code.
MRV_FUNNEL = """
SELECT
    region_code,
    included_count,
    reported_count,
    verified_count,
    recheck_required_count,
    rechecked_count,
    complied_count,
    late_report_count,
    missing_report_count
FROM marts.fct_mrv_funnel
WHERE report_year = ?
  AND scheme_code = ?
ORDER BY region_code
"""

# --- full warehouse only (officers, analysts): the view checks auth.is_authorised() first ------------

# The inclusion list of one list year and scheme (marts.fct_mrv_inclusion): included, near the
# threshold (review) and dropped enterprises, the rule and the figure that crossed it, the change
# from the previous list, with the city's and the sector's names. Params ($n): 1 list_year,
# 2 scheme_code, 3 list_status or NULL, 4 inclusion_rule or NULL, 5 change_vs_previous or NULL.
MRV_INCLUSION = """
SELECT
    i.credit_code,
    i.enterprise_name,
    i.city_code,
    c.name_zh AS city_name_zh,
    c.name_en AS city_name_en,
    i.sector_code,
    s.name_zh AS sector_name_zh,
    s.name_en AS sector_name_en,
    i.list_status,
    i.inclusion_rule,
    i.rule_figure,
    i.rule_threshold,
    i.rule_unit,
    i.rule_year,
    i.max_energy_tce,
    i.max_energy_year,
    i.max_emissions_tco2e,
    i.max_emissions_year,
    i.captive_power_kw,
    i.reference_start_year,
    i.reference_end_year,
    i.change_vs_previous,
    i.declared_in_ets
FROM marts.fct_mrv_inclusion AS i
LEFT JOIN marts.dim_region AS c ON c.region_code = i.city_code
LEFT JOIN reference.ref_enterprise_sectors AS s ON s.sector_code = i.sector_code
WHERE i.list_year = $1
  AND i.scheme_code = $2
  AND ($3::VARCHAR IS NULL OR i.list_status = $3)
  AND ($4::VARCHAR IS NULL OR i.inclusion_rule = $4)
  AND ($5::VARCHAR IS NULL OR i.change_vs_previous = $5)
ORDER BY
    CASE i.list_status WHEN 'included' THEN 1 WHEN 'review' THEN 2 ELSE 3 END,
    i.rule_figure / nullif(i.rule_threshold, 0) DESC NULLS LAST,
    i.credit_code
"""

# Whom to chase today for one report year and scheme: the submissions with a chase reason
# (marts.fct_mrv_submissions), longest overdue first, with the deadline the reason refers to, the
# verifier to chase (the re-check's for a missing re-check) with its name
# (marts.fct_mrv_verifier_workload), the city's names and why the enterprise is expected (on the
# year's list, or in the market by its own report). Params: report_year, scheme_code.
MRV_CHASE = """
WITH verifiers AS (
    SELECT verifier_code, min(verifier_name) AS verifier_name
    FROM marts.fct_mrv_verifier_workload
    GROUP BY verifier_code
),
chase AS (
    SELECT
        *,
        CASE chase_reason
            WHEN 'report_missing' THEN report_due_on
            WHEN 'verification_missing' THEN verification_due_on
            WHEN 'recheck_missing' THEN recheck_due_on
        END AS due_on,
        CASE WHEN chase_reason = 'recheck_missing' THEN recheck_verifier_code ELSE verifier_code END AS chased_verifier_code
    FROM marts.fct_mrv_submissions
    WHERE report_year = ?
      AND scheme_code = ?
      AND chase_reason IS NOT NULL
)
SELECT
    s.chase_party,
    s.chase_reason,
    s.days_overdue,
    s.credit_code,
    s.enterprise_name,
    s.expected_because,
    s.city_code,
    c.name_zh AS city_name_zh,
    c.name_en AS city_name_en,
    s.due_on,
    s.chased_verifier_code AS verifier_code,
    v.verifier_name,
    s.conflict_reason,
    s.as_of_date
FROM chase AS s
LEFT JOIN marts.dim_region AS c ON c.region_code = s.city_code
LEFT JOIN verifiers AS v ON v.verifier_code = s.chased_verifier_code
ORDER BY s.days_overdue DESC NULLS LAST, s.credit_code
"""

# What each city must forward for one report year and scheme, and by when
# (marts.fct_mrv_city_forwarding), with the city's names. Params: report_year, scheme_code.
MRV_CITY_FORWARDING = """
SELECT
    f.city_code,
    c.name_zh AS city_name_zh,
    c.name_en AS city_name_en,
    f.city_forward_due_on,
    f.expected_count,
    f.verified_count,
    f.ready_to_forward_count,
    f.outstanding_count
FROM marts.fct_mrv_city_forwarding AS f
LEFT JOIN marts.dim_region AS c ON c.region_code = f.city_code
WHERE f.report_year = ?
  AND f.scheme_code = ?
ORDER BY f.city_forward_due_on, f.outstanding_count DESC, f.city_code
"""

# Each verifier's tasks by month and task type (marts.fct_mrv_verifier_workload), every month the
# mart holds. No params.
MRV_VERIFIER_WORKLOAD = """
SELECT
    verifier_code,
    verifier_name,
    month,
    task_type,
    tasks_count,
    delivered_count,
    late_count,
    conflict_count
FROM marts.fct_mrv_verifier_workload
ORDER BY verifier_code, month, task_type
"""

# The conflicted verifications of one report year and scheme (marts.fct_mrv_submissions: a
# re-check by the first verifier, or a verifier that consulted for the enterprise), with both
# verifiers. Params: report_year, scheme_code.
MRV_CONFLICTS = """
SELECT
    credit_code,
    enterprise_name,
    conflict_reason,
    verifier_code,
    recheck_verifier_code,
    verification_status,
    recheck_status
FROM marts.fct_mrv_submissions
WHERE report_year = ?
  AND scheme_code = ?
  AND verifier_conflict
ORDER BY conflict_reason, credit_code
"""

# Compliance years and schemes of the compliance calendar (marts.fct_compliance_calendar), newest first. No params.
MRV_CALENDAR_YEARS = """
SELECT DISTINCT compliance_year, scheme_code
FROM marts.fct_compliance_calendar
ORDER BY compliance_year DESC, scheme_code
"""

# Every enterprise's calendar of one compliance year and scheme (marts.fct_compliance_calendar),
# with its sector's names (the page draws one timeline row per sector and set of dates from it).
# Params: compliance_year, scheme_code.
MRV_CALENDAR = """
SELECT
    c.credit_code,
    c.enterprise_name,
    c.sector_code,
    s.name_zh AS sector_name_zh,
    s.name_en AS sector_name_en,
    c.calendar_mode,
    c.compliance_month,
    c.period_start_on,
    c.period_end_on,
    c.monitoring_plan_due_on,
    c.report_due_on,
    c.verification_due_on,
    c.approval_due_on,
    c.compliance_due_on
FROM marts.fct_compliance_calendar AS c
LEFT JOIN reference.ref_enterprise_sectors AS s ON s.sector_code = c.sector_code
WHERE c.compliance_year = ?
  AND c.scheme_code = ?
ORDER BY c.compliance_month, c.sector_code, c.credit_code
"""
