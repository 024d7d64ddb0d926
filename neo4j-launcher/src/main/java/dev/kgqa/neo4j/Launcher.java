package dev.kgqa.neo4j;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.neo4j.configuration.GraphDatabaseSettings;
import org.neo4j.configuration.connectors.BoltConnector;
import org.neo4j.configuration.connectors.HttpConnector;
import org.neo4j.configuration.helpers.SocketAddress;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.io.ByteUnit;

/**
 * Starts Neo4j 5.26 embedded with its Bolt connector on 127.0.0.1, for kgqa's tests and local
 * use without Docker. Prints one readiness line, {@code KGQA-NEO4J READY bolt://127.0.0.1:PORT},
 * once Bolt accepts connections, and shuts the database down cleanly on SIGTERM.
 *
 * <p>Arguments (or environment): --home DIR (NEO4J_HOME_DIR), --port N (NEO4J_BOLT_PORT, 7687),
 * --password PW (NEO4J_PASSWORD, "kgqa-test-pw"), --pagecache-mb N (256).
 */
public final class Launcher {
  private static final String READY = "KGQA-NEO4J READY bolt://127.0.0.1:";

  private Launcher() {}

  public static void main(String[] args) throws Exception {
    String home = option(args, "--home", "NEO4J_HOME_DIR", "neo4j-home");
    int port = Integer.parseInt(option(args, "--port", "NEO4J_BOLT_PORT", "7687"));
    String password = option(args, "--password", "NEO4J_PASSWORD", "kgqa-test-pw");
    long pagecacheMb = Long.parseLong(option(args, "--pagecache-mb", "NEO4J_PAGECACHE_MB", "256"));
    if (password.length() < 8) {
      System.err.println("neo4j-launcher: the password must have at least 8 characters");
      System.exit(2);
    }

    DatabaseManagementService dbms =
        new DatabaseManagementServiceBuilder(Path.of(home).toAbsolutePath())
            .setConfig(BoltConnector.enabled, true)
            .setConfig(BoltConnector.listen_address, new SocketAddress("127.0.0.1", port))
            .setConfig(HttpConnector.enabled, false)
            .setConfig(GraphDatabaseSettings.auth_enabled, true)
            .setConfig(GraphDatabaseSettings.pagecache_memory, ByteUnit.mebiBytes(pagecacheMb))
            .build();

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  System.out.println("KGQA-NEO4J STOPPING");
                  System.out.flush();
                  dbms.shutdown();
                  stopped.countDown();
                },
                "neo4j-launcher-shutdown"));

    setPassword(dbms, password);
    waitForBolt(port);
    System.out.println(READY + port);
    System.out.flush();
    stopped.await();
  }

  /** The embedded API reaches the system database without auth; use it to set the password. */
  private static void setPassword(DatabaseManagementService dbms, String password) {
    try {
      dbms.database("system")
          .executeTransactionally(
              "ALTER USER neo4j SET PASSWORD $pw CHANGE NOT REQUIRED", Map.of("pw", password));
    } catch (RuntimeException e) {
      // Restarting on the same home with the same password: Neo4j refuses "the same password".
      String message = String.valueOf(e.getMessage());
      if (!message.contains("same")) {
        throw e;
      }
    }
  }

  private static void waitForBolt(int port) throws InterruptedException {
    long deadline = System.currentTimeMillis() + 60_000;
    while (System.currentTimeMillis() < deadline) {
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
        return;
      } catch (IOException e) {
        Thread.sleep(100);
      }
    }
    throw new IllegalStateException("Bolt did not open on 127.0.0.1:" + port + " within 60 s");
  }

  private static String option(String[] args, String flag, String env, String fallback) {
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(flag)) {
        return args[i + 1];
      }
    }
    String value = System.getenv(env);
    return value == null || value.isEmpty() ? fallback : value;
  }
}
