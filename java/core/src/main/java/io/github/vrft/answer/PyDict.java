package io.github.vrft.answer;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * A decoded JSON object with Python dict semantics: insertion ordered, and a repeated key keeps its first
 * position and takes the last value. Reward answers hold objects of two or three keys, for which two small
 * arrays and a linear scan beat a hash map; past {@value #SMALL} keys it switches to a {@link LinkedHashMap},
 * so a hostile object with many keys stays linear.
 */
final class PyDict extends AbstractMap<String, Object> {
    static final int SMALL = 8;

    private String[] keys = new String[4];
    private Object[] values = new Object[4];
    private int size;
    private LinkedHashMap<String, Object> big;

    @Override
    public Object put(String key, Object value) {
        if (big != null) {
            return big.put(key, value);
        }
        for (int i = 0; i < size; i++) {
            if (keys[i].equals(key)) {
                Object old = values[i];
                values[i] = value;
                return old;
            }
        }
        if (size == SMALL) {
            big = new LinkedHashMap<>();
            for (int i = 0; i < size; i++) {
                big.put(keys[i], values[i]);
            }
            keys = null;
            values = null;
            return big.put(key, value);
        }
        if (size == keys.length) {
            keys = java.util.Arrays.copyOf(keys, SMALL);
            values = java.util.Arrays.copyOf(values, SMALL);
        }
        keys[size] = key;
        values[size] = value;
        size++;
        return null;
    }

    private int indexOf(Object key) {
        for (int i = 0; i < size; i++) {
            if (keys[i] == key || keys[i].equals(key)) {
                return i;
            }
        }
        return -1;
    }

    @Override
    public Object get(Object key) {
        if (big != null) {
            return big.get(key);
        }
        int i = indexOf(key);
        return i < 0 ? null : values[i];
    }

    @Override
    public boolean containsKey(Object key) {
        return big != null ? big.containsKey(key) : indexOf(key) >= 0;
    }

    @Override
    public int size() {
        return big != null ? big.size() : size;
    }

    @Override
    public Set<Entry<String, Object>> entrySet() {
        if (big != null) {
            return big.entrySet();
        }
        return new AbstractSet<>() {
            @Override
            public Iterator<Entry<String, Object>> iterator() {
                return new Iterator<>() {
                    int i;

                    @Override
                    public boolean hasNext() {
                        return i < size;
                    }

                    @Override
                    public Entry<String, Object> next() {
                        if (i >= size) {
                            throw new NoSuchElementException();
                        }
                        Entry<String, Object> e = new SimpleImmutableEntry<>(keys[i], values[i]);
                        i++;
                        return e;
                    }
                };
            }

            @Override
            public int size() {
                return size;
            }
        };
    }

    /** For tests: whether it has switched to the hash map. */
    boolean isLarge() {
        return big != null;
    }

    static Map<String, Object> create() {
        return new PyDict();
    }
}
