{#-
    imaging_concepts(): the SR concepts (CodeValue, CodingSchemeDesignator) and SOP classes the
    imaging views select by (DICOM PS3.16; IDC's views use the same codes).
-#}
{% macro imaging_concepts() -%}
    {{ return({
        'measurement_group': [('125007', 'DCM')],
        'tracking_identifier': [('112039', 'DCM')],
        'tracking_unique_identifier': [('112040', 'DCM')],
        'finding': [('121071', 'DCM')],
        'finding_site': [('G-C0E3', 'SRT'), ('363698007', 'SCT')],
        'source_series_for_segmentation': [('121232', 'DCM')],
        'derivation': [('121401', 'DCM')],
        'laterality': [('272741003', 'SCT')],
        'segmentation_sop_classes': ['1.2.840.10008.5.1.4.1.1.66.4', '1.2.840.10008.5.1.4.1.1.66.7'],
        'sr_sop_classes': [
            '1.2.840.10008.5.1.4.1.1.88.11', '1.2.840.10008.5.1.4.1.1.88.22',
            '1.2.840.10008.5.1.4.1.1.88.33', '1.2.840.10008.5.1.4.1.1.88.34',
            '1.2.840.10008.5.1.4.1.1.88.35'
        ]
    }) }}
{%- endmacro %}
