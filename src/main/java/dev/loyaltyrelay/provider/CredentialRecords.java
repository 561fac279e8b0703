package dev.loyaltyrelay.provider;

import dev.loyaltyrelay.domain.Channel;
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

    /**
     * Each record's shape, found by reflection the first time the record is read rather than on every send (ClassValue:
     * the JDK's cache per class, read without a lock). Native images support it; the reflection it caches is the
     * registered one.
     */
    private static final ClassValue<Shape> SHAPES = new ClassValue<>() {
        @Override
        protected Shape computeValue(Class<?> type) {
            RecordComponent[] components = type.getRecordComponents();
            String[] names = new String[components.length];
            boolean[] secret = new boolean[components.length];
            Class<?>[] types = new Class<?>[components.length];
            for (int i = 0; i < components.length; i++) {
                Class<?> fieldType = components[i].getType();
                if (fieldType != Secret.class && fieldType != String.class) {
                    throw new IllegalStateException(type.getSimpleName() + "." + components[i].getName() + " is neither a Secret nor a String");
                }
                names[i] = components[i].getName();
                secret[i] = fieldType == Secret.class;
                types[i] = fieldType;
            }
            try {
                Constructor<?> canonical = type.getDeclaredConstructor(types);
                canonical.setAccessible(true);
                return new Shape(names, secret, canonical);
            } catch (ReflectiveOperationException unreadable) {
                throw new IllegalStateException(type.getSimpleName() + " cannot be built from its fields", unreadable);
            }
        }
    };

    private CredentialRecords() {
    }

    /** A provider's profile, its credential fields read from its credentials record. */
    public static ProviderProfile profile(String key, String displayName, Channel channel, boolean triggersFlows,
            Class<? extends Record> credentials) {
        return new ProviderProfile(new Provider(key), displayName, channel, triggersFlows, fieldsOf(credentials));
    }

    /** A flow provider's profile that also sends templates by id (LimeChat), its credential fields read from its record. */
    public static ProviderProfile flowsAndTemplates(String key, String displayName, Channel channel, Class<? extends Record> credentials) {
        return new ProviderProfile(new Provider(key), displayName, channel, true, fieldsOf(credentials), true);
    }

    /** The field names a merchant enters, in the record's order. */
    public static List<String> fieldsOf(Class<? extends Record> type) {
        return Arrays.stream(type.getRecordComponents()).map(RecordComponent::getName).toList();
    }

    /** @throws ProviderCredentials.Incomplete when a field is missing or blank: nothing can be sent until the merchant fixes it */
    public static <C extends Record> C read(Class<C> type, ProviderCredentials credentials) {
        Shape shape = SHAPES.get(type);
        Object[] values = new Object[shape.names().length];
        for (int i = 0; i < values.length; i++) {
            String value = credentials.require(shape.names()[i]);
            values[i] = shape.secret()[i] ? new Secret(value) : value;
        }
        try {
            return type.cast(shape.canonical().newInstance(values));
        } catch (InvocationTargetException thrown) {
            if (thrown.getCause() instanceof RuntimeException refused) {
                throw refused;
            }
            throw new IllegalStateException(type.getSimpleName() + " refused its fields", thrown.getCause());
        } catch (ReflectiveOperationException unreadable) {
            throw new IllegalStateException(type.getSimpleName() + " cannot be built from its fields", unreadable);
        }
    }

    /** A credentials record's fields, which of them are {@link Secret}s, and its canonical constructor. */
    private record Shape(String[] names, boolean[] secret, Constructor<?> canonical) {
    }
}
