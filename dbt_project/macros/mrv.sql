{#
  The MRV year (docs/methodology.md, "The MRV year").

  Rolling compliance (the proposal in the source material): a sector with compliance month N (1–12)
  complies for allocation year Y in month N of year Y + 1. Its allocation period is the 12 months
  ending with the fourth month before the compliance month, so that reporting, verification and
  approval each get one month in between:
    period end        last day of month N − 4 (of year Y + 1; of year Y when N ≤ 4)
    period start      first day of month N − 15, i.e. 12 months before the end's month + 1
    monitoring plan   due by the end of the period's last month (= period end)
    report            end of the first month after the period      (month N − 3)
    verification      end of the second                            (month N − 2)
    approval          end of the third                             (month N − 1)
    compliance        end of month N
  e.g. compliance 2018-01 → 2016-10-01 … 2017-09-30; 2018-04 → the calendar year 2017;
  2018-07 → 2017-04-01 … 2018-03-31.
#}
{% macro rolling_compliance_month_start(allocation_year, compliance_month) -%}
    make_date(({{ allocation_year }}) + 1, {{ compliance_month }}, 1)
{%- endmacro %}

{% macro rolling_month_end(allocation_year, compliance_month, months_before) -%}
    last_day(cast({{ rolling_compliance_month_start(allocation_year, compliance_month) }} - interval {{ months_before }} month as date))
{%- endmacro %}

{% macro rolling_period_start(allocation_year, compliance_month) -%}
    cast({{ rolling_compliance_month_start(allocation_year, compliance_month) }} - interval 15 month as date)
{%- endmacro %}

{#
  The day statuses are judged on (late, missing, pending): var mrv_as_of_date when set (tests, a
  re-run of a past night), else the build's date. Models using it are tagged as_of_date so that an
  incremental night rebuilds them even when no source changed (pipelines/incremental.py).
#}
{% macro mrv_as_of_date() -%}
    {%- set fixed = var('mrv_as_of_date') -%}
    {%- if fixed -%} date '{{ fixed }}' {%- else -%} current_date {%- endif -%}
{%- endmacro %}

{#
  A step's status on the as-of day: delivered by the due date (on_time) or after it (late); not
  delivered and the due date passed (missing) or not yet (pending). A step without a due date
  (the calendar lacks it) is on time once delivered and pending until then.
#}
{% macro mrv_step_status(delivered_on, due_on, as_of) -%}
    case
        when {{ delivered_on }} is not null then
            case when {{ due_on }} is null or {{ delivered_on }} <= {{ due_on }} then 'on_time' else 'late' end
        when {{ due_on }} is not null and {{ as_of }} > {{ due_on }} then 'missing'
        else 'pending'
    end
{%- endmacro %}
