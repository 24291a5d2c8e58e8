package io.mmsim.vmalloc;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.HashMap;
import java.util.Map;

/**
 * A fast stand-in for Mockito's {@code delegatesTo}: a dynamic proxy of a contract interface that
 * calls the method of the same name and parameter types on a target object, which need not
 * implement the interface. A contract method the target lacks runs its default body if it has one
 * and otherwise fails with {@link UnsupportedOperationException}, so a double keeps compiling while
 * the contract grows and a call it does not expect fails loudly. (Random tests make millions of
 * calls; a reflective proxy costs a fraction of a Mockito invocation.)
 */
final class Delegate {
  private Delegate() {}

  /**
   * An {@code iface} whose calls go to the first of {@code targets} that declares a method of that
   * name and parameter types.
   */
  static <T> T of(Class<T> iface, Object... targets) {
    Map<Method, Method> methods = new HashMap<>();
    Map<Method, Object> receivers = new HashMap<>();
    for (Method m : iface.getMethods()) {
      for (Object target : targets) {
        Method t = find(target.getClass(), m);
        if (t != null) {
          t.setAccessible(true);
          methods.put(m, t);
          receivers.put(m, target);
          break;
        }
      }
    }
    String name = targets[0].getClass().getSimpleName();
    InvocationHandler handler =
        (proxy, method, args) -> {
          Method t = methods.get(method);
          if (t != null) {
            try {
              return t.invoke(receivers.get(method), args);
            } catch (InvocationTargetException e) {
              throw e.getCause();
            }
          }
          if (method.isDefault()) {
            return InvocationHandler.invokeDefault(proxy, method, args);
          }
          if (method.getDeclaringClass() == Object.class) {
            return switch (method.getName()) {
              case "toString" -> iface.getSimpleName() + " -> " + name;
              case "hashCode" -> System.identityHashCode(proxy);
              case "equals" -> proxy == args[0];
              default -> throw new UnsupportedOperationException(method.toString());
            };
          }
          throw new UnsupportedOperationException(name + " does not implement " + method);
        };
    return iface.cast(
        Proxy.newProxyInstance(Delegate.class.getClassLoader(), new Class<?>[] {iface}, handler));
  }

  private static Method find(Class<?> type, Method m) {
    for (Class<?> c = type; c != null && c != Object.class; c = c.getSuperclass()) {
      try {
        return c.getDeclaredMethod(m.getName(), m.getParameterTypes());
      } catch (NoSuchMethodException e) {
        // try the superclass
      }
    }
    return null;
  }
}
