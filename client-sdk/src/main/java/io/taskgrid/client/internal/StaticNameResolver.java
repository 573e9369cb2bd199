package io.taskgrid.client.internal;

import io.grpc.EquivalentAddressGroup;
import io.grpc.NameResolver;
import io.grpc.Status;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Resolves the fixed list of coordinator addresses a client was given, one address group per
 * coordinator, so that one channel balances over all of them and stops using those that are down.
 * Host names are looked up again on every refresh (the channel refreshes when connections fail),
 * so a coordinator that comes back on a new IP is found.
 */
final class StaticNameResolver extends NameResolver {
  private static final Logger log = LoggerFactory.getLogger(StaticNameResolver.class);

  /** The scheme of the channel target; it is only ever resolved by this class's factory. */
  static final String SCHEME = "taskgrid-static";

  private final List<String> addresses;
  private final Executor offload;
  private final io.grpc.SynchronizationContext syncContext;
  private Listener2 listener;
  private boolean resolving;
  private boolean shutdown;

  private StaticNameResolver(List<String> addresses, Args args) {
    this.addresses = addresses;
    this.offload = args.getOffloadExecutor();
    this.syncContext = args.getSynchronizationContext();
  }

  @Override
  public String getServiceAuthority() {
    return addresses.get(0);
  }

  @Override
  public void start(Listener2 listener) {
    this.listener = listener;
    resolve();
  }

  @Override
  public void refresh() {
    resolve();
  }

  /** Looks names up off the synchronization context (lookups block), then reports there. */
  private void resolve() {
    if (resolving || shutdown) return;
    resolving = true;
    Runnable lookup = () -> {
      List<EquivalentAddressGroup> groups = new ArrayList<>();
      List<String> failed = new ArrayList<>();
      for (String a : addresses) {
        try {
          List<SocketAddress> ips = new ArrayList<>();
          for (InetAddress ip : InetAddress.getAllByName(ClientOptions.host(a))) {
            ips.add(new InetSocketAddress(ip, ClientOptions.port(a)));
          }
          // each coordinator's TLS certificate is checked against its own name, not the first one's
          groups.add(new EquivalentAddressGroup(ips, io.grpc.Attributes.newBuilder().set(EquivalentAddressGroup.ATTR_AUTHORITY_OVERRIDE, a).build()));
        } catch (UnknownHostException e) {
          failed.add(a);
        }
      }
      syncContext.execute(() -> {
        resolving = false;
        if (shutdown) return;
        if (!failed.isEmpty()) log.warn("Cannot resolve coordinator address(es) {}", failed);
        if (groups.isEmpty()) {
          listener.onError(Status.UNAVAILABLE.withDescription("cannot resolve any coordinator address of " + addresses));
        } else {
          listener.onResult2(ResolutionResult.newBuilder().setAddresses(groups).build());
        }
      });
    };
    if (offload != null) {
      offload.execute(lookup);
    } else {
      lookup.run();
    }
  }

  @Override
  public void shutdown() {
    shutdown = true;
  }

  /** Makes the resolver of one client's coordinators; ignores the target's path. */
  static final class Factory extends NameResolver.Factory {
    private final List<String> addresses;

    Factory(List<String> addresses) {
      if (addresses.isEmpty()) throw new IllegalArgumentException("at least one coordinator address is required");
      this.addresses = List.copyOf(addresses);
    }

    @Override
    public NameResolver newNameResolver(URI target, Args args) {
      return SCHEME.equals(target.getScheme()) ? new StaticNameResolver(addresses, args) : null;
    }

    @Override
    public String getDefaultScheme() {
      return SCHEME;
    }

    @Override
    public String toString() {
      return "StaticNameResolver.Factory" + Arrays.toString(addresses.toArray());
    }
  }
}
