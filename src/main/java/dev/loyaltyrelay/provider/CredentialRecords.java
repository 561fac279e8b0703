package dev.loyaltyrelay.provider;

import dev.loyaltyrelay.domain.CommonProperty;
import dev.loyaltyrelay.domain.Provider;
import dev.loyaltyrelay.domain.ProviderCredentials;
import dev.loyaltyrelay.domain.ProviderProfile;
import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;

/**
 * A provider's credentials record read from, and described as, the integration's opened credential fields: each
 * record component is one field, by name, and every one is required. A component is a {@link Secret}, so the record
 * shows no value when printed (a {@code String} component is read too, for a field that is no secret). The records are registered for reflection
 * ({@code @RegisterForReflection}), so this works in a native image too.
 */
public final class CredentialRecords {

    private CredentialRecords() {
    }

    /** A provider's profile, its credential fields read from its credentials record. */
    public static ProviderProfile profile(String key, String displayName, CommonProperty commonProperty, boolean triggersFlows,
            Class<? extends Record> credentials) {
        return new ProviderProfile(new Provider(key), displayName, commonProperty, triggersFlows, fieldsOf(credentials));
    }

    /** The field names a merchant enters, in the record's order. */
    public static List<String> fieldsOf(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
    }

    /** @throws ProviderCredentials.Incomplete when a field is missing or blank: nothing can be sent until the merchant fixes it */
    public static <C extends Record> C read(Class<C> type, ProviderCredentials credentials) {
        RecordComponent[] components = type.getRecordComponents();
        Object[] values = new Object[components.length];
        Class<?>[] types = new Class<?>[components.length];
        for (int i = 0; i < components.length; i++) {
            Class<?> fieldType = components[i].getType();
            if (fieldType != Secret.class && fieldType != String.class) {
                throw new IllegalStateException(type.getSimpleName() + "." + components[i].getName() + " is neither a Secret nor a String");
            }
            String value = credentials.require(components[i].getName());
            values[i] = fieldType == Secret.class ? new Secret(value) : value;
            types[i] = fieldType;
        }
        try {
            Constructor<C> canonical = type.getDeclaredConstructor(types);
            canonical.setAccessible(true);
            return canonical.newInstance(values);
        } catch (InvocationTargetException thrown) {
            if (thrown.getCause() instanceof RuntimeException refused) {
                throw refused;
            }
            throw new IllegalStateException(type.getSimpleName() + " refused its fields", thrown.getCause());
        } catch (ReflectiveOperationException unreadable) {
            throw new IllegalStateException(type.getSimpleName() + " cannot be built from its fields", unreadable);
        }
    }
}
