package dev.push.audience;

import com.mongodb.MongoExecutionTimeoutException;
import com.mongodb.ReadPreference;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.CountOptions;
import dev.push.storage.PushDatabase;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import org.bson.Document;
import org.bson.conversions.Bson;

import java.time.Clock;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The dry count of a query audience, bounded in time: the console asks after every edit of a
 * filter, and a filter on member attributes scans the members. Many members are counted range by
 * range ({@link MemberRanges}; a filter on ids is a key lookup, counted at once) on a secondary where there is one, each range with the time left as
 * its {@code maxTimeMS}; when the time is up (checked between ranges too, as the embedded server
 * ignores {@code maxTimeMS}) the answer is the members of the ranges counted so far, "at least N".
 */
@ApplicationScoped
class QueryCount {
    /** Ranges a count is split into: a timed-out count still says how far it got. */
    static final int RANGES = 16;
    /**
     * Members per range at least: fewer members are counted in one go, which the server bounds by
     * {@code maxTimeMS} (the embedded one counts them whole, quickly enough at that size).
     */
    static final int MIN_RANGE = 10_000;

    @Inject
    PushDatabase collections;

    @Inject
    AudienceConfig config;

    Audiences.Count count(Document filter) {
        MongoCollection<Document> members = collections.get(PushDatabase.MEMBERS)
                .withReadPreference(ReadPreference.secondaryPreferred());
        Clock clock = Clock.systemUTC();
        long deadline = clock.millis() + config.countTimeout().toMillis();
        return count(members, filter, MemberRanges.of(members, filter, RANGES, collections.embedded(), MIN_RANGE), clock, deadline);
    }

    /** Counts range by range until the deadline; reads the clock once before each range. */
    static Audiences.Count count(MongoCollection<Document> members, Document filter, List<Document> ranges, Clock clock,
            long deadline) {
        long n = 0;
        for (Document range : ranges) {
            long left = deadline - clock.millis();
            if (left <= 0) {
                return Audiences.Count.atLeast(n);
            }
            Bson rangeFilter = MemberRanges.within(filter, range);
            try {
                n += members.countDocuments(rangeFilter, new CountOptions().maxTime(left, TimeUnit.MILLISECONDS));
            } catch (MongoExecutionTimeoutException e) {
                return Audiences.Count.atLeast(n);
            }
        }
        return new Audiences.Count(n, n, true, false);
    }
}
