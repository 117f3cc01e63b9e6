{#-
    has_concept(item, codes): true when the first ConceptNameCodeSequence entry of the SR
    content item `item` is one of `codes`, a list of (CodeValue, CodingSchemeDesignator).
    Concepts are matched by code, never by meaning.
-#}
{% macro has_concept(item, codes) -%}
    (
    {%- for value, scheme in codes %}
        ({{ safe_offset(item ~ '.conceptnamecodesequence') }}.codevalue = '{{ value }}'
        and {{ safe_offset(item ~ '.conceptnamecodesequence') }}.codingschemedesignator = '{{ scheme }}')
        {%- if not loop.last %} or{% endif %}
    {%- endfor %}
    )
{%- endmacro %}
