{#
  Every formula lives here once; models call the macro, unit tests check the models.
  All arguments are SQL expressions. Division goes through safe_divide so that a zero or
  missing denominator yields NULL (no data), never an error and never 0.
#}

{% macro safe_divide(numerator, denominator) -%}
    (({{ numerator }}) / nullif({{ denominator }}, 0))
{%- endmacro %}


{#
  Fuel combustion CO2 (NDRC enterprise guidelines, IPCC tier 2):
    CO2 [t] = amount × NCV × CC / 1000 × OF × 44/12
  amount in t (solids, liquids) or 10^4 Nm3 (gases); NCV in GJ per that unit; CC in tC/TJ,
  so /1000 gives tC/GJ; OF a fraction; 44/12 converts carbon to CO2.
  Evaluated left to right, in this order, so that hand-computed unit tests match bit for bit.
#}
{% macro combustion_co2_t(amount, ncv_gj_per_unit, carbon_content_tc_per_tj, oxidation_fraction) -%}
    ({{ amount }} * {{ ncv_gj_per_unit }} * {{ carbon_content_tc_per_tj }} / 1000.0 * {{ oxidation_fraction }} * 44.0 / 12.0)
{%- endmacro %}


{#
  A value at constant base-year prices from a volume index with a fixed reference year:
    value_const(t) = value_current(base) × index(t) / index(base)
  e.g. GDP at 2015 prices = GDP_2015 (current) × index_2005=100(t) / index_2005=100(2015).
#}
{% macro constant_price_value(value_current_in_base_year, index_in_year, index_in_base_year) -%}
    ({{ value_current_in_base_year }} * {{ safe_divide(index_in_year, index_in_base_year) }})
{%- endmacro %}


{# Share of a plan's span that has elapsed by `year`: (year − base) / (target − base). #}
{% macro plan_elapsed_fraction(year, base_year, target_year) -%}
    {{ safe_divide('(' ~ year ~ ') - (' ~ base_year ~ ')', '(' ~ target_year ~ ') - (' ~ base_year ~ ')') }}
{%- endmacro %}


{#
  Even-pace path of a reduction target R (a fraction) after a share f of the plan span:
    expected(f) = 1 − (1 − R)^f
  (the same annual rate every year; reaches R at f = 1).
#}
{% macro even_pace_reduction(target_reduction, elapsed_fraction) -%}
    (1.0 - power(1.0 - ({{ target_reduction }}), {{ elapsed_fraction }}))
{%- endmacro %}


{#
  The constant annual reduction that reaches a reduction target R over the n = target − base
  years of its span (the even pace, one year of it):  1 − (1 − R)^(1/n).
  Null when the span is not positive (no year to spread the target over).
#}
{% macro even_pace_annual_reduction(target_reduction, base_year, target_year) -%}
    case
        when ({{ target_year }}) > ({{ base_year }})
            then {{ even_pace_reduction(target_reduction, '1.0 / ((' ~ target_year ~ ') - (' ~ base_year ~ '))') }}
    end
{%- endmacro %}


{#
  Even-growth path from a base value to a cap V:  base × (V / base)^f  (constant annual growth).
#}
{% macro even_growth_path(base_value, target_value, elapsed_fraction) -%}
    (({{ base_value }}) * power({{ safe_divide(target_value, base_value) }}, {{ elapsed_fraction }}))
{%- endmacro %}


{# Linear path from a base value to a target level:  base + (target − base) × f. #}
{% macro linear_path(base_value, target_value, elapsed_fraction) -%}
    (({{ base_value }}) + (({{ target_value }}) - ({{ base_value }})) * {{ elapsed_fraction }})
{%- endmacro %}


{#
  A reduction "1 − now ÷ reference" only means something when both levels are positive: against
  a zero or negative reference (an electricity-exporting county whose adjusted CO2 was once
  netted below zero) the ratio flips sign and explodes (敦煌 150.6 %, 瓜州 −619 %). True when it
  is meaningful, false when a level is not positive, null when a level is missing.
#}
{% macro reduction_is_meaningful(current_value, reference_value) -%}
    (({{ current_value }}) > 0 and ({{ reference_value }}) > 0)
{%- endmacro %}


{#
  Reduction of an intensity against a reference level: 1 − I / I_ref (a fraction); NULL unless
  both levels are positive (reduction_is_meaningful), never a number that ranks nonsense.
#}
{% macro reduction_vs(current_value, reference_value) -%}
    case
        when {{ reduction_is_meaningful(current_value, reference_value) }}
            then 1.0 - ({{ current_value }}) / ({{ reference_value }})
    end
{%- endmacro %}


{#
  Electricity-adjusted CO2 (docs/methodology.md, "Electricity"). A region's own generation
  factor, tCO2/MWh = the CO2 of its own thermal power inputs ÷ its own total generation
  (thermal + hydro + wind + solar); NULL when its generation is unknown or zero.
#}
{% macro own_generation_factor(thermal_power_co2_t, own_generation_mwh) -%}
    {{ safe_divide(thermal_power_co2_t, own_generation_mwh) }}
{%- endmacro %}


{#
  The CO2 of a net import (net_import_mwh > 0), added at the grid factor: net × grid factor.
  0 for a net exporter (its flow is a deduction, below); NULL when the flow or factor is unknown.
  (CASE, not greatest()/least(): those skip NULLs in DuckDB, and an unknown must stay unknown.)
#}
{% macro electricity_import_co2_t(net_import_mwh, grid_factor) -%}
    case
        when ({{ net_import_mwh }}) > 0 then ({{ net_import_mwh }}) * ({{ grid_factor }})
        when ({{ net_import_mwh }}) <= 0 then 0.0
    end
{%- endmacro %}


{#
  The CO2 deducted for a net export (net_import_mwh < 0), a non-negative amount:
    own generation known:   min(export × own generation factor, CO2 of its own power generation)
    own generation unknown: min(export × grid factor, the region's direct CO2)
  Neither can exceed the region's direct CO2 (its power generation CO2 is part of it), so
  direct CO2 − deduction is never negative. 0 for a net importer; NULL when a term is unknown.
#}
{% macro electricity_export_deduction_t(net_import_mwh, own_factor, thermal_power_co2_t, grid_factor, direct_co2_t) -%}
    case
        when ({{ net_import_mwh }}) is null then null
        when ({{ net_import_mwh }}) >= 0 then 0.0
        when ({{ own_factor }}) is not null then
            case
                when ({{ thermal_power_co2_t }}) is null then null
                when -({{ net_import_mwh }}) * ({{ own_factor }}) <= ({{ thermal_power_co2_t }})
                    then -({{ net_import_mwh }}) * ({{ own_factor }})
                else ({{ thermal_power_co2_t }})
            end
        when ({{ grid_factor }}) is null or ({{ direct_co2_t }}) is null then null
        when -({{ net_import_mwh }}) * ({{ grid_factor }}) <= ({{ direct_co2_t }})
            then -({{ net_import_mwh }}) * ({{ grid_factor }})
        else ({{ direct_co2_t }})
    end
{%- endmacro %}

-- The MRV precedence (docs/methodology.md, "Enterprise reports"): the latest authoritative figure wins — rechecked (复查) >
-- verified (核查) > reported (自报), then the latest submission, then the last source file so
-- that ties resolve the same way on every run. An ORDER BY list for row_number().
{% macro status_precedence(data_status) -%}
    case {{ data_status }} when 'rechecked' then 3 when 'verified' then 2 when 'reported' then 1 else 0 end
{%- endmacro %}

{% macro authoritative_version_order(data_status, submitted_on, source_file) -%}
    {{ status_precedence(data_status) }} desc,
    {{ submitted_on }} desc nulls last,
    {{ source_file }} desc
{%- endmacro %}


{#
  Top-down industrial process emissions (provincial GHG inventory guideline; IPCC 2006 Vol.3
  tier 1): emissions of a gas [t] = production [t] × factor [t gas per t product], and
  CO2e [t] = emissions × GWP100 of the gas (ref_gwp under var('gwp_set')).
#}
{% macro process_emissions_t(production_t, factor_t_per_t) -%}
    ({{ production_t }} * {{ factor_t_per_t }})
{%- endmacro %}

{% macro co2e_t(emissions_t, gwp100) -%}
    ({{ emissions_t }} * {{ gwp100 }})
{%- endmacro %}


{#
  Which method the inventory counts for a region × year × process (ref_process_inventory_rule):
    top_down                  the production statistics' figure, never the enterprises';
    bottom_up                 the enterprise report lines, never the statistics;
    top_down_where_available  the statistics where the region-year has a figure for the process,
                              else the enterprise lines.
  Exactly one of the two methods can be true for a region × year × process: nothing is counted twice.
#}
{% macro process_method_used(method, rule, has_top_down) -%}
    case
        when {{ rule }} = 'top_down' then {{ method }} = 'top_down'
        when {{ rule }} = 'bottom_up' then {{ method }} = 'bottom_up'
        when {{ rule }} = 'top_down_where_available'
            then {{ method }} = case when {{ has_top_down }} then 'top_down' else 'bottom_up' end
        else false
    end
{%- endmacro %}


{#
  Mass conversions of the AFOLU and waste formulas (IPCC 2006 GL Vol.4, Vol.5):
    N2O [t] = N2O-N [t] × 44/28      CO2 [t] = C [t] × 44/12      CH4 [t] = C [t] × 16/12
  Multiplied last, left to right, so that hand-computed unit tests match.
#}
{% macro n2o_from_n2o_n(n2o_n_t) -%}
    (({{ n2o_n_t }}) * 44.0 / 28.0)
{%- endmacro %}

{% macro co2_from_c(c_t) -%}
    (({{ c_t }}) * 44.0 / 12.0)
{%- endmacro %}

{% macro ch4_from_c(c_t) -%}
    (({{ c_t }}) * 16.0 / 12.0)
{%- endmacro %}


{#
  A per-head (or per-unit) factor in kg applied to an activity, in t: activity × kg factor / 1000
  (enteric and manure CH4 per head, incineration N2O per t of waste is in g: divide once more).
#}
{% macro t_from_kg_factor(activity, kg_factor) -%}
    (({{ activity }}) * ({{ kg_factor }}) / 1000.0)
{%- endmacro %}


{#
  IPCC 2006 Vol.1 ch.3 Table 3.2, one row's contribution to the SQUARE of the trend uncertainty
  (percentage points of the trend against the base year): C the row's base-year and D its year-t
  emissions, ΣC and ΣD the totals; the factor's error is the same in both years (type A
  sensitivity × U_factor), the activity's is independent between years (type B × U_activity × √2).
    A = (0.01·D + ΣD − (0.01·C + ΣC)) / (0.01·C + ΣC) × 100 − (ΣD − ΣC)/ΣC × 100,  B = D / ΣC
  The trend uncertainty is √Σ of these terms.
#}
{% macro trend_uncertainty_term(d_t, c_t, sum_d_t, sum_c_t, factor_pct, activity_pct) -%}
    (power(((0.01 * {{ d_t }} + {{ sum_d_t }} - (0.01 * {{ c_t }} + {{ sum_c_t }})) / nullif(0.01 * {{ c_t }} + {{ sum_c_t }}, 0) * 100
            - ({{ sum_d_t }} - {{ sum_c_t }}) / nullif({{ sum_c_t }}, 0) * 100) * {{ factor_pct }}, 2)
     + power({{ d_t }} / nullif({{ sum_c_t }}, 0) * {{ activity_pct }} * sqrt(2), 2))
{%- endmacro %}
