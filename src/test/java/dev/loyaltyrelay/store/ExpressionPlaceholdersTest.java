package dev.loyaltyrelay.store;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Set;
import org.junit.jupiter.api.Test;

/** The traffic observation keeps only the placeholders its expression names (DynamoDB refuses unused ones). */
class ExpressionPlaceholdersTest {

    @Test
    void everyPlaceholderIsFound_whole_andNothingElse() {
        String expression = "SET #e = if_not_exists(#e, :z) + :o, #s12 = if_not_exists(#e, :o), #sigFirst = if_not_exists(#sigFirst, :n)"
                + " ADD #c1 :o, #t1 :t1, #nk :nk";
        assertEquals(Set.of("#e", ":z", ":o", "#s12", "#sigFirst", ":n", "#c1", "#t1", ":t1", "#nk", ":nk"),
                DynamoTrafficObservations.placeholders(expression));
        // #c1 is named, #c10 is not: a prefix is not a mention.
        assertEquals(false, DynamoTrafficObservations.placeholders("ADD #c10 :o").contains("#c1"));
        assertEquals(Set.of(), DynamoTrafficObservations.placeholders("SET a = b, # : "));
    }
}
