{#
  The completeness gate (audit_completeness_drops): every drop that was not accepted with
  `ghg build --accept-drop "reason"` fails the build, so nothing is published. The rows name
  exactly what went missing; the run summary and the alert repeat them.
#}
{% test completeness_gate(model) %}
    select description from {{ model }} where not accepted
{% endtest %}
