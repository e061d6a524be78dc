package dev.push.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import org.h2.mvstore.MVStore;
import org.jboss.logging.Logger;

import de.bwaldvogel.mongo.MongoServer;

/**
 * A MongoDB-wire-compatible server inside this process (mongo-java-server) for laptops and tests, listening on
 * 127.0.0.1 only. Its backend is {@link KeyedH2Backend} on the file {@code <dir>/push.mv.db}, or
 * {@link KeyedMemoryBackend} when asked for (everything is lost at exit).
 * <p>
 * The H2 file is kept small: documents are stored as BSON ({@link BsonDocumentType}), its pages are compressed,
 * and it is compacted offline after it is closed (and when it is opened after a crash), by copying the live
 * pages to a fresh file. Online compaction was measured and left out: {@code MVStore.compactFile} held the store lock for
 * 6 to 16 seconds on a 60 MB file, blocking every write, without making the file smaller.
 * <p>
 * Use it from code: {@code try (EmbeddedDatabase db = EmbeddedDatabase.start(Settings.memory(0))) {
 * MongoClients.create(db.connectionString()) … }}.
 */
public final class EmbeddedDatabase implements AutoCloseable {

    /** Default TCP port: beside MongoDB's 27017, so a local MongoDB and the embedded server do not collide. */
    public static final int DEFAULT_PORT = 27018;
    public static final String FILE_NAME = "push.mv.db";
    private static final String HOST = "127.0.0.1";
    private static final Logger log = Logger.getLogger(EmbeddedDatabase.class);
    /** The databases this process serves, for {@link EmbeddedDatabaseHealth}. */
    private static final Set<EmbeddedDatabase> OPEN = ConcurrentHashMap.newKeySet();

    public enum Backend {
        H2, MEMORY;

        /** Reads {@code h2} or {@code memory}, in any case. */
        public static Backend of(String name) {
            return valueOf(name.trim().toUpperCase(Locale.ROOT));
        }
    }

    /**
     * Where and how to run. {@code port} 0 takes any free port; {@code dir} is only used by the H2 backend.
     */
    public record Settings(Backend backend, Path dir, int port) {

        public static Settings h2(Path dir, int port) {
            return new Settings(Backend.H2, dir, port);
        }

        public static Settings memory(int port) {
            return new Settings(Backend.MEMORY, null, port);
        }
    }

    private final MongoServer server;
    private final KeyedBackend backend;
    private final Path file;
    private final String connectionString;
    private volatile boolean closed;

    private EmbeddedDatabase(KeyedBackend backend, Path file, int port) {
        this.backend = backend;
        this.file = file;
        this.server = new MongoServer(backend);
        try {
            server.bind(HOST, port);
        } catch (RuntimeException e) {
            backend.close();
            throw e;
        }
        this.connectionString = server.getConnectionString();
    }

    /** Starts a server and logs one INFO line saying where it is. */
    public static EmbeddedDatabase start(Settings settings) {
        EmbeddedDatabase database;
        if (settings.backend() == Backend.MEMORY) {
            database = new EmbeddedDatabase(new KeyedMemoryBackend(), null, settings.port());
            log.infof("Embedded database (in memory, lost at exit) at %s", database.connectionString);
        } else {
            Path file = settings.dir().resolve(FILE_NAME).toAbsolutePath();
            createDirectories(file.getParent());
            database = new EmbeddedDatabase(new KeyedH2Backend(openStore(file)), file, settings.port());
            log.infof("Embedded database (file %s) at %s", file, database.connectionString);
        }
        OPEN.add(database);
        return database;
    }

    /**
     * At most this many documents a page (H2's default is 48): reading one member by key decodes
     * its whole page, so a campaign looking up member addresses at random decoded 48 documents
     * for each; with 8 the 100,000-member webhook benchmark ran 27% faster, and nothing else slower.
     */
    static final int KEYS_PER_PAGE = 8;

    /**
     * Compacts an existing file (also after a crash, when it was not compacted at close) and opens it with
     * compressed pages and the default automatic commits, which mongo-java-server relies on to persist changes.
     */
    static MVStore openStore(Path file) {
        Path compacted = compactedMarker(file);
        // A clean stop compacted the file already; only after a crash is it compacted here.
        if (!Files.exists(compacted)) {
            compactClosed(file);
        }
        deleteIfExists(compacted);
        return new MVStore.Builder()
            .fileName(file.toString())
            .keysPerPage(KEYS_PER_PAGE)
            // H2 reports here a failure of its background writer and any failure that panics the store (which then
            // closes itself): neither may pass silently.
            .backgroundExceptionHandler((thread, e) -> log.errorf(e, "embedded database %s: H2 failed on thread %s;"
                + " if the store panicked it is closed now, every write fails and the health probes are down until a"
                + " restart reopens the file", file, thread.getName()))
            .compress()
            .open();
    }

    /** {@code mongodb://127.0.0.1:<port>}, without a database name. */
    public String connectionString() {
        return connectionString;
    }

    public int port() {
        return server.getLocalAddress().getPort();
    }

    public KeyedBackend backend() {
        return backend;
    }

    /** The databases open in this process. */
    static List<EmbeddedDatabase> open() {
        return List.copyOf(OPEN);
    }

    /**
     * Why this database can no longer keep writes: its H2 store panicked (a failed write or an internal
     * error; H2 then closes it) or was closed under it. Empty while it works, and for the memory backend.
     */
    public Optional<String> failure() {
        if (!(backend instanceof KeyedH2Backend h2)) {
            return Optional.empty();
        }
        MVStore store = h2.getMvStore();
        if (store.getPanicException() != null) {
            return Optional.of("the H2 store panicked and closed itself: " + store.getPanicException().getMessage());
        }
        if (!closed && store.isClosed()) {
            return Optional.of("the H2 store was closed while the database was serving");
        }
        return Optional.empty();
    }

    /** The H2 file, or {@code null} for the memory backend. */
    public Path file() {
        return file;
    }

    /**
     * Closes client connections and the backend (for H2: commits and closes the file, then compacts it).
     * Safe to call more than once.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        OPEN.remove(this);
        server.shutdownNow();
        if (file != null) {
            compactClosed(file);
            try {
                Files.createFile(compactedMarker(file));
            } catch (IOException e) {
                // Without the marker the next start compacts again: slower, nothing lost.
            }
        }
    }

    /** Present while the file is closed and compacted: the next open need not compact it. */
    static Path compactedMarker(Path file) {
        return file.resolveSibling(file.getFileName() + ".compacted");
    }

    private static void deleteIfExists(Path path) {
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot remove " + path + " before opening the embedded database", e);
        }
    }

    /** Copies the live pages of a closed file to a fresh compressed file that replaces it. */
    static void compactClosed(Path file) {
        if (Files.exists(file)) {
            MVStore.compact(file.toString(), true, null);
        }
    }

    private static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("Cannot create the embedded database directory " + dir, e);
        }
    }
}
