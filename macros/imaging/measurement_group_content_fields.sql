{#-
    measurement_group_content_fields(): the fields of measurement_groups.contentSequence as
    IDC published them (idc_v18), for struct_project: 'Name[:type]', or {name: fields} for a
    REPEATED RECORD. Generated from the published schema (REPEATED from the DICOM dictionary's
    value multiplicity); keep in the published order.
-#}
{% macro measurement_group_content_fields() -%}
    {{ return([
        {'ReferencedSOPSequence': [
            'ReferencedSOPClassUID',
            'ReferencedSOPInstanceUID',
            'ReferencedFrameNumber:string[]'
        ]},
        'RelationshipType',
        'ValueType',
        {'ConceptNameCodeSequence': [
            'CodeValue',
            'CodingSchemeDesignator',
            'CodeMeaning'
        ]},
        'ContinuityOfContent',
        'UID',
        'TextValue',
        {'ConceptCodeSequence': [
            'CodeValue',
            'CodingSchemeDesignator',
            'CodeMeaning'
        ]},
        {'MeasuredValueSequence': [
            {'MeasurementUnitsCodeSequence': [
                'CodeValue',
                'CodingSchemeDesignator',
                'CodingSchemeVersion',
                'CodeMeaning'
            ]},
            'NumericValue:string[]'
        ]},
        {'ContentTemplateSequence': [
            'MappingResource',
            'MappingResourceUID',
            'TemplateIdentifier'
        ]},
        {'ContentSequence': [
            {'ReferencedSOPSequence': [
                'ReferencedSOPClassUID',
                'ReferencedSOPInstanceUID',
                'ReferencedSegmentNumber:int64[]'
            ]},
            'RelationshipType',
            'ValueType',
            {'ConceptNameCodeSequence': [
                'CodeValue',
                'CodingSchemeDesignator',
                'CodeMeaning'
            ]},
            'ContinuityOfContent',
            'Date:date',
            'Time:time',
            'UID',
            'TextValue',
            {'ConceptCodeSequence': [
                'CodeValue',
                'CodingSchemeDesignator',
                'CodingSchemeVersion',
                'CodeMeaning'
            ]},
            {'MeasuredValueSequence': [
                {'MeasurementUnitsCodeSequence': [
                    'CodeValue',
                    'CodingSchemeDesignator',
                    'CodingSchemeVersion',
                    'CodeMeaning'
                ]},
                'NumericValue:string[]'
            ]},
            {'ContentSequence': [
                'RelationshipType',
                'ValueType',
                {'ConceptNameCodeSequence': [
                    'CodeValue',
                    'CodingSchemeDesignator',
                    'CodeMeaning'
                ]},
                'ContinuityOfContent',
                'DateTime:timestamp',
                'Date:date',
                'Time:time',
                'UID',
                'TextValue',
                {'ConceptCodeSequence': [
                    'CodeValue',
                    'CodingSchemeDesignator',
                    'CodeMeaning'
                ]},
                {'MeasuredValueSequence': [
                    {'MeasurementUnitsCodeSequence': [
                        'CodeValue',
                        'CodingSchemeDesignator',
                        'CodeMeaning'
                    ]},
                    'NumericValue:string[]'
                ]},
                {'ContentSequence': [
                    'RelationshipType',
                    'ValueType',
                    {'ConceptNameCodeSequence': [
                        'CodeValue',
                        'CodingSchemeDesignator',
                        'CodeMeaning'
                    ]},
                    'ContinuityOfContent',
                    'TextValue',
                    {'ConceptCodeSequence': [
                        'CodeValue',
                        'CodingSchemeDesignator',
                        'CodeMeaning'
                    ]},
                    {'ContentSequence': [
                        {'ReferencedSOPSequence': [
                            'ReferencedSOPClassUID',
                            'ReferencedSOPInstanceUID',
                            {'ReferencedSOPSequence': [
                                'ReferencedSOPClassUID',
                                'ReferencedSOPInstanceUID'
                            ]}
                        ]},
                        'RelationshipType',
                        'ValueType',
                        {'ConceptNameCodeSequence': [
                            'CodeValue',
                            'CodingSchemeDesignator',
                            'CodeMeaning'
                        ]},
                        {'ConceptCodeSequence': [
                            'CodeValue',
                            'CodingSchemeDesignator',
                            'CodeMeaning'
                        ]},
                        {'MeasuredValueSequence': [
                            {'MeasurementUnitsCodeSequence': [
                                'CodeValue',
                                'CodingSchemeDesignator',
                                'CodingSchemeVersion',
                                'CodeMeaning'
                            ]},
                            'NumericValue:string[]'
                        ]},
                        {'ContentSequence': [
                            'RelationshipType',
                            'ValueType',
                            {'ConceptNameCodeSequence': [
                                'CodeValue',
                                'CodingSchemeDesignator',
                                'CodeMeaning'
                            ]},
                            'TextValue',
                            {'ConceptCodeSequence': [
                                'CodeValue',
                                'CodingSchemeDesignator',
                                'CodeMeaning'
                            ]},
                            {'ContentSequence': [
                                {'ReferencedSOPSequence': [
                                    'ReferencedSOPClassUID',
                                    'ReferencedSOPInstanceUID',
                                    'ReferencedFrameNumber:string[]',
                                    {'ReferencedSOPSequence': [
                                        'ReferencedSOPClassUID',
                                        'ReferencedSOPInstanceUID'
                                    ]}
                                ]},
                                'RelationshipType',
                                'ValueType'
                            ]},
                            'GraphicData:float64[]',
                            'GraphicType'
                        ]}
                    ]},
                    'GraphicData:float64[]',
                    'GraphicType'
                ]}
            ]},
            'GraphicType',
            'ReferencedFrameOfReferenceUID',
            {'OtherElements': [
                'Tag',
                'Data:string[]'
            ]}
        ]}
    ]) }}
{%- endmacro %}
