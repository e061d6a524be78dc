package dev.push.audience;

import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import dev.push.MongoTestResource;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The dry count of a query audience stops at its deadline and answers how many it had counted. */
class QueryCountTest {
    private static final int MEMBERS = 4000;
    private final MongoClient client = MongoClients.create(MongoTestResource.connectionString());
    private final String databaseName = "query-count-" + UUID.randomUUID();
    private final MongoCollection<Document> members = client.getDatabase(databaseName).getCollection("members");
    /** Members m-00000…m-03999, age = number mod 100: half of each thousand are 50 or older. */
    private final Document fiftyOrOlder = MemberFilter.translate(Document.parse("{\"age\": {\"$gte\": 50}}"));
    /** Four ranges of 1000 members each. */
    private final List<Document> ranges = List.of(MemberRanges.range(null, "m-01000"),
            MemberRanges.range("m-01000", "m-02000"), MemberRanges.range("m-02000", "m-03000"),
            MemberRanges.range("m-03000", null));

    QueryCountTest() {
        List<Document> batch = new ArrayList<>();
        for (int i = 0; i < MEMBERS; i++) {
            batch.add(new Document("_id", String.format("m-%05d", i)).append("attributes", new Document("age", i % 100)));
        }
        members.insertMany(batch);
    }

    @AfterEach
    void drop() {
        client.getDatabase(databaseName).drop();
        client.close();
    }

    @Test
    void aCountWithinItsTimeIsExact() {
        SteppingClock clock = new SteppingClock(1000);
        Audiences.Count c = QueryCount.count(members, fiftyOrOlder, ranges, clock, clock.millis() + 60_000);
        assertEquals(new Audiences.Count(2000, 2000, true, false), c);
        assertEquals(2000, members.countDocuments(fiftyOrOlder));
    }

    @Test
    void aFilterOnIdsIsCountedInEachRange() {
        Document listed = MemberFilter.translate(Document.parse(
                "{\"id\": {\"$in\": [\"m-00050\", \"m-01001\", \"m-02099\", \"m-03999\", \"m-09999\"]}, \"age\": {\"$gte\": 50}}"));
        SteppingClock clock = new SteppingClock(1000);
        assertEquals(new Audiences.Count(3, 3, true, false), QueryCount.count(members, listed, ranges, clock, clock.millis() + 60_000));
    }

    @Test
    void aCountOutOfTimeAnswersAtLeastTheMembersOfTheRangesItCounted() {
        // Each read of the clock is a second later: ranges 1 and 2 start 1 s and 2 s in, the third at 3 s, past the 2.5 s.
        SteppingClock clock = new SteppingClock(1000);
        Audiences.Count c = QueryCount.count(members, fiftyOrOlder, ranges, clock, clock.millis() + 2500);
        assertEquals(new Audiences.Count(1000, 1000, false, true), c);
    }

    @Test
    void aCountWhoseTimeIsUpBeforeTheFirstRangeAnswersAtLeastZero() {
        SteppingClock clock = new SteppingClock(1000);
        Audiences.Count c = QueryCount.count(members, fiftyOrOlder, ranges, clock, clock.millis() + 500);
        assertEquals(new Audiences.Count(0, 0, false, true), c);
    }

    @Test
    void theRangesCoverEveryMemberOnceByEitherWayOfSplitting() {
        for (boolean embeddedWay : List.of(true, false)) {
            List<Document> split = MemberRanges.of(members, 4, embeddedWay, 1000);
            long total = 0;
            for (Document range : split) {
                long inRange = members.countDocuments(range);
                total += inRange;
                // Skip-based splits are exact; sampled ones are quantiles of a sample, so only roughly even.
                assertTrue(inRange > 0, "an empty range of " + split);
            }
            assertEquals(4, split.size(), "split " + (embeddedWay ? "by position" : "by sample"));
            assertEquals(MEMBERS, total);
        }
        assertEquals(List.of(MemberRanges.range(null, "m-01000"), MemberRanges.range("m-01000", "m-02000"),
                MemberRanges.range("m-02000", "m-03000"), MemberRanges.range("m-03000", null)),
                MemberRanges.of(members, 4, true, 1000));
    }

    @Test
    void fewMembersAreOneRange() {
        assertEquals(List.of(new Document()), MemberRanges.of(members, 16, true, 1000 * 1000));
    }

    /** A clock that moves on by a step each time it is read. */
    static final class SteppingClock extends Clock {
        private final long step;
        private long now;

        SteppingClock(long step) {
            this.step = step;
        }

        @Override
        public long millis() {
            long at = now;
            now += step;
            return at;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis());
        }

        @Override
        public ZoneOffset getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }
}
