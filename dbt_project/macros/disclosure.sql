{#
  The confidentiality rule (docs/methodology.md), in one place: an aggregate of fewer than
  var('disclosure_min_enterprises') enterprises, or one in which a single enterprise holds more
  than var('disclosure_dominance_share') of a published value, is suppressed.
  enterprise_count: SQL for the number of enterprises in the cell;
  value_pairs: [(total SQL, largest enterprise's SQL), ...] — every value the cell publishes.
  Returns the reason ('fewer_than_3_enterprises', 'dominant_enterprise_over_80pct') or null.
#}
{% macro disclosure_primary_reason(enterprise_count, value_pairs) -%}
    case
        when {{ enterprise_count }} < {{ var('disclosure_min_enterprises') }} then 'fewer_than_3_enterprises'
        {%- for total, largest in value_pairs %}
        when {{ total }} > 0 and {{ largest }} > {{ var('disclosure_dominance_share') }} * {{ total }}
            then 'dominant_enterprise_over_80pct'
        {%- endfor %}
    end
{%- endmacro %}

-- Two figures that should be the same one differ: one null and the other not, or both there and
-- apart by more than float summation order (1e-9 relative). For the checks that the public
-- warehouse shows the inventory's own numbers. The arguments are parenthesised: either may be an
-- expression (a − (b + c) is not a − b + c).
{% macro figures_differ(a, b) -%}
    (({{ a }}) is distinct from ({{ b }})
     and not coalesce(abs(({{ a }}) - ({{ b }})) <= 1e-9 * greatest(abs({{ a }}), abs({{ b }}), 1), false))
{%- endmacro %}

-- The method breakdown code of an enterprise process line at a region, given the code joined from
-- int_disclosure_process_methods: a process that model has no row for counts bottom-up (the
-- region's inventory takes the enterprises' figure), so its lines go to 'method_bottom_up'.
{% macro disclosure_method_breakdown(joined_code) -%}
    coalesce({{ joined_code }}, 'method_bottom_up')
{%- endmacro %}
