package dev.push.storage;

import dev.push.MongoTestResource;
import io.quarkus.test.common.QuarkusTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every filter the service issues on a field other than {@code _id} has an index or a stated
 * reason for having none, and the indexes exist in the database once the service has started.
 *
 * <p>The filters are read from the sources: {@code Filters.eq("field", …)} and its siblings, and
 * Panache's string queries ({@code Task.count("state", …)}). Filters written as documents
 * ({@code new Document("owner", me)}) are not seen; the code writes non-key filters with
 * {@code Filters} (the key-fenced documents of the claim protocol in {@code CampaignChunks} and of the cap
 * protocol in {@code CapSlots}, {@code {_id, v}}, aside).
 */
@QuarkusTest
@QuarkusTestResource(value = MongoTestResource.class, restrictToAnnotatedClass = false)
class CollectionIndexesTest {
    private static final Path SOURCES = Path.of("src/main/java/dev/push");
    private static final Pattern FILTER = Pattern.compile(
            "Filters\\.(?:eq|ne|gt|gte|lt|lte|in|nin|exists|regex|all|elemMatch|size|type)\\(\\s*\"([^\"]+)\"");
    private static final Pattern PANACHE_QUERY = Pattern.compile(
            "\\b[A-Z]\\w*\\.(?:<\\w+>)?(?:count|find|list|stream|delete)\\(\\s*\"([^\"]+)\"");

    @Inject
    CollectionIndexes indexes;

    @Inject
    PushDatabase database;

    /** Class name → fields it filters on (besides _id), from the main sources outside the embedded server. */
    static Map<String, Set<String>> filteredFields() {
        Map<String, Set<String>> out = new TreeMap<>();
        try (Stream<Path> files = Files.walk(SOURCES)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".java"))
                    .filter(f -> !f.startsWith(SOURCES.resolve("embedded"))).toList()) {
                String text = Files.readString(file);
                String owner = file.getFileName().toString().replace(".java", "");
                for (Pattern p : List.of(FILTER, PANACHE_QUERY)) {
                    Matcher m = p.matcher(text);
                    while (m.find()) {
                        if (!"_id".equals(m.group(1))) {
                            out.computeIfAbsent(owner, k -> new TreeSet<>()).add(m.group(1));
                        }
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    @Test
    void theSourceScanSeesTheKnownFilters() {
        Map<String, Set<String>> found = filteredFields();
        // A guard on the scan itself: filters known to be in the code are found.
        assertTrue(found.get("ApiTokens").contains("hash"), found.toString());
        assertTrue(found.get("EngineMetrics").contains("state"), "Panache's Task.count(\"state\", …): " + found);
        assertTrue(found.get("Audiences").contains("source.audiences"), found.toString());
    }

    @Test
    void everyFilteredFieldHasAnIndexOrAReason() {
        List<String> missing = new ArrayList<>();
        filteredFields().forEach((owner, fields) -> {
            for (String field : fields) {
                boolean indexed = indexes.indexes().stream()
                        .anyMatch(i -> i.usedBy().contains(owner) && i.keys().containsKey(field));
                boolean reasoned = CollectionIndexes.UNINDEXED.stream()
                        .anyMatch(u -> u.usedBy().equals(owner) && u.field().equals(field));
                if (!indexed && !reasoned) {
                    missing.add(owner + " filters on " + field);
                }
            }
        });
        assertEquals(List.of(), missing);
    }

    @Test
    void everyEntryNamesAFilterTheCodeIssues() {
        Map<String, Set<String>> found = filteredFields();
        List<String> stale = new ArrayList<>();
        for (CollectionIndexes.Index i : indexes.indexes()) {
            for (String owner : i.usedBy()) {
                if (found.getOrDefault(owner, Set.of()).stream().noneMatch(i.keys()::containsKey)) {
                    stale.add(i.collection() + "." + i.name() + " is not used by " + owner);
                }
            }
        }
        for (CollectionIndexes.Unindexed u : CollectionIndexes.UNINDEXED) {
            if (!found.getOrDefault(u.usedBy(), Set.of()).contains(u.field())) {
                stale.add(u.usedBy() + " no longer filters on " + u.field());
            }
        }
        assertEquals(List.of(), stale);
    }

    @Test
    void theIndexesExistAfterStart() {
        for (CollectionIndexes.Index i : indexes.indexes()) {
            Document listed = null;
            for (Document d : database.get(i.collection()).listIndexes()) {
                if (i.name().equals(d.getString("name"))) {
                    listed = d;
                }
            }
            assertTrue(listed != null, i.collection() + "." + i.name() + " is not in listIndexes");
            assertEquals(i.keys(), listed.get("key", Document.class));
            assertEquals(Boolean.TRUE.equals(i.options().isUnique()), listed.getBoolean("unique", false), i.name());
        }
    }

    @Test
    void creatingThemAgainChangesNothing() {
        Map<String, Integer> before = counts();
        indexes.create();
        assertEquals(before, counts());
    }

    @Test
    void aChangedAuditRetentionChangesTheExpiryInPlace() {
        try {
            indexes.create(java.time.Duration.ofDays(2));
            List<Document> at = database.get("audit").listIndexes().into(new ArrayList<>()).stream()
                    .filter(d -> "at_1".equals(d.getString("name"))).toList();
            assertEquals(1, at.size());
            assertEquals(2 * 86_400L, ((Number) at.get(0).get("expireAfterSeconds")).longValue());
        } finally {
            indexes.create();
        }
        assertEquals(400 * 86_400L, ((Number) database.get("audit").listIndexes().into(new ArrayList<>()).stream()
                .filter(d -> "at_1".equals(d.getString("name"))).findFirst().orElseThrow().get("expireAfterSeconds")).longValue());
    }

    private Map<String, Integer> counts() {
        Map<String, Integer> out = new TreeMap<>();
        for (String coll : Set.of("tasks", "workers", "sessions", "api_tokens", "audit")) {
            out.put(coll, database.get(coll).listIndexes().into(new ArrayList<>()).size());
        }
        return out;
    }
}
