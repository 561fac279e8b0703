package dev.loyaltyrelay.local;

import dev.loyaltyrelay.local.TemplateExpander.UnsupportedTemplateException;
import java.util.LinkedHashMap;
import java.util.List;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.constructor.AbstractConstruct;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/** Reads CloudFormation's short-form tags as their long form: {@code !Ref X} as {@code {Ref: X}}, {@code !Sub s} as {@code {Fn::Sub: s}}. */
final class LongFormConstructor extends SafeConstructor {
    LongFormConstructor(LoaderOptions options) {
        super(options);
        this.yamlMultiConstructors.put("!", new AbstractConstruct() {
            @Override
            public Object construct(Node node) {
                String tag = node.getTag().getValue().substring(1);
                String function = tag.equals("Ref") || tag.equals("Condition") ? tag : "Fn::" + tag;
                Object argument;
                if (node instanceof ScalarNode scalar) {
                    argument = constructScalar(scalar);
                    if (tag.equals("GetAtt")) {
                        String name = (String) argument;
                        int dot = name.indexOf('.');
                        if (dot < 0) {
                            throw new UnsupportedTemplateException("!GetAtt " + name + " names no attribute");
                        }
                        argument = List.of(name.substring(0, dot), name.substring(dot + 1));
                    }
                } else if (node instanceof SequenceNode sequence) {
                    argument = constructSequence(sequence);
                } else {
                    argument = constructMapping((MappingNode) node);
                }
                var longForm = new LinkedHashMap<String, Object>();
                longForm.put(function, argument);
                return longForm;
            }
        });
    }
}
