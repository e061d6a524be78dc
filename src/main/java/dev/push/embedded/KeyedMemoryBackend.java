package dev.push.embedded;

import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import de.bwaldvogel.mongo.bson.Document;
import io.netty.channel.Channel;
import de.bwaldvogel.mongo.backend.memory.MemoryDatabase;

/** The in-memory backend with key-narrowed filters. Everything is lost when it closes. */
public final class KeyedMemoryBackend extends MemoryBackend implements KeyedBackend {

    @Override
    public MemoryDatabase openOrCreateDatabase(String name) {
        return new KeyedMemoryDatabase(name, getCursorRegistry());
    }

    @Override
    public Document handleCommand(Channel channel, String database, String command, Document query) {
        Document answer = super.handleCommand(channel, database, command, query);
        if (command.equalsIgnoreCase("ismaster")) {
            answer.put(EmbeddedMarker.FIELD, EmbeddedMarker.IN_MEMORY);
        }
        return answer;
    }

    @Override
    public long documentsExamined(String database, String collection) {
        return listDatabaseNames().contains(database) ? ExaminedCounter.of(resolveDatabase(database), collection) : 0;
    }
}
