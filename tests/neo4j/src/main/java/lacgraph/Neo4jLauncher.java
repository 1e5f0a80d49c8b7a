package lacgraph;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

import org.neo4j.cli.ExecutionContext;
import org.neo4j.commandline.admin.security.SetInitialPasswordCommand;
import org.neo4j.dbms.api.DatabaseManagementService;
import org.neo4j.dbms.api.DatabaseManagementServiceBuilder;
import org.neo4j.graphdb.GraphDatabaseService;

import picocli.CommandLine;

/**
 * Runs Neo4j 5.26 Community embedded, with its Bolt connector on 127.0.0.1 only and
 * authentication on, until it is stopped (SIGTERM or SIGINT shut it down cleanly).
 *
 * <pre>
 * java -cp CLASSPATH lacgraph.Neo4jLauncher HOME PORT [PAGECACHE]
 * </pre>
 *
 * The password is read from the environment variable NEO4J_PASSWORD (never from the
 * command line, which other users can see). HOME holds the data and logs; it is created
 * when absent and reused when present. Once the server answers, the launcher prints
 * {@code bolt://127.0.0.1:PORT} on a line of its own.
 */
public final class Neo4jLauncher {

    private Neo4jLauncher() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length < 2 || args.length > 3) {
            System.err.println("usage: Neo4jLauncher HOME PORT [PAGECACHE]"
                    + " (password in NEO4J_PASSWORD)");
            System.exit(2);
        }
        Path home = Path.of(args[0]).toAbsolutePath();
        int port = Integer.parseInt(args[1]);
        String pagecache = args.length > 2 ? args[2] : "256m";
        String password = System.getenv("NEO4J_PASSWORD");
        if (password == null || password.length() < 8) {
            System.err.println("Set NEO4J_PASSWORD to a password of at least 8 characters");
            System.exit(2);
        }
        Files.createDirectories(home.resolve("conf"));
        Map<String, String> config = new LinkedHashMap<>();
        config.put("dbms.security.auth_enabled", "true");
        config.put("server.default_listen_address", "127.0.0.1");
        config.put("server.default_advertised_address", "127.0.0.1");
        config.put("server.bolt.enabled", "true");
        config.put("server.bolt.listen_address", "127.0.0.1:" + port);
        config.put("server.bolt.advertised_address", "127.0.0.1:" + port);
        config.put("server.bolt.tls_level", "DISABLED");
        config.put("dbms.routing.enabled", "false");
        config.put("server.memory.pagecache.size", pagecache);
        config.put("db.tx_log.rotation.retention_policy", "2 files");
        config.put("dbms.usage_report.enabled", "false");

        StringBuilder conf = new StringBuilder("# written by lacgraph's Neo4jLauncher at each start\n");
        config.forEach((key, value) -> conf.append(key).append('=').append(value).append('\n'));
        Path confFile = home.resolve("conf").resolve("neo4j.conf");
        Files.writeString(confFile, conf.toString());
        boolean fresh = !Files.exists(home.resolve("data").resolve("databases").resolve("system"));
        if (fresh) {
            // what `neo4j-admin dbms set-initial-password` does: the first start reads it
            int status = new CommandLine(new SetInitialPasswordCommand(
                    new ExecutionContext(home, home.resolve("conf")))).execute(password);
            if (status != 0) {
                System.exit(status);
            }
        }

        DatabaseManagementService service = new DatabaseManagementServiceBuilder(home)
                .loadPropertiesFromFile(confFile)
                .build();
        Runtime.getRuntime().addShutdownHook(new Thread(service::shutdown, "neo4j-shutdown"));
        if (!fresh) {
            setPassword(service.database("system"), password);
        }
        // answer a query before saying where to connect
        service.database("neo4j").executeTransactionally("RETURN 1");
        System.out.println("bolt://127.0.0.1:" + port);
        System.out.flush();
        Thread.currentThread().join();
    }

    /** Make NEO4J_PASSWORD the password of an existing database (unless it already is). */
    private static void setPassword(GraphDatabaseService system, String password) {
        try {
            system.executeTransactionally(
                    "ALTER USER neo4j SET PASSWORD $password CHANGE NOT REQUIRED",
                    Map.of("password", password));
        } catch (RuntimeException e) {
            String message = String.valueOf(e.getMessage());
            if (!message.contains("Old password and new password cannot be the same")) {
                throw e;
            }
        }
    }
}
