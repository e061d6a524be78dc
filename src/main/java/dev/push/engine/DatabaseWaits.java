package dev.push.engine;

import com.mongodb.MongoClientSettings;
import com.mongodb.event.CommandFailedEvent;
import com.mongodb.event.CommandListener;
import com.mongodb.event.CommandSucceededEvent;
import io.quarkus.mongodb.runtime.MongoClientCustomizer;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.concurrent.TimeUnit;

/**
 * Watches every database command this process sends, from any thread, and remembers the long
 * waits ({@link DatabaseStalls}): whichever of our calls the database held up, it held up every
 * writer's, so liveness does not count that time as anyone's silence.
 */
@ApplicationScoped
class DatabaseWaits implements MongoClientCustomizer, CommandListener {
    private final DatabaseStalls stalls = new DatabaseStalls();

    DatabaseStalls stalls() {
        return stalls;
    }

    @Override
    public MongoClientSettings.Builder customize(MongoClientSettings.Builder builder) {
        return builder.addCommandListener(this);
    }

    @Override
    public void commandSucceeded(CommandSucceededEvent event) {
        ended(event.getElapsedTime(TimeUnit.MILLISECONDS));
    }

    @Override
    public void commandFailed(CommandFailedEvent event) {
        ended(event.getElapsedTime(TimeUnit.MILLISECONDS));
    }

    private void ended(long elapsed) {
        long now = Tick.monotonicMillis();
        stalls.waited(new Reading(now - elapsed, now));
    }
}
