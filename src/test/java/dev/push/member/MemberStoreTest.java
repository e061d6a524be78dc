package dev.push.member;

import org.bson.Document;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.Date;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class MemberStoreTest {
    private final EmbeddedMongo mongo = new EmbeddedMongo();
    private final MemberStore store = new MemberStore(mongo.members);

    @AfterEach
    void close() {
        mongo.close();
    }

    @Test
    void bulkReplaceCountsCreatedAndReplacedMembersAsTheDatabaseHoldsThem() {
        MemberStore.Replaced first = store.replaceAll(List.of(member("a"), member("b"), member("c")));
        assertEquals(new MemberStore.Replaced(3, 0, Map.of()), first);
        assertEquals(3, mongo.members.countDocuments());

        MemberStore.Replaced second = store.replaceAll(List.of(member("b"), member("d"), member("c"), member("e")));
        assertEquals(new MemberStore.Replaced(2, 2, Map.of()), second);
        assertEquals(5, mongo.members.countDocuments());
    }

    @Test
    void replaceStoresTheDocumentShapeWithShardAndReplacesTheWholeProfile() {
        Map<String, Object> attributes = new LinkedHashMap<>();
        attributes.put("country", "FR");
        attributes.put("age", 31);
        attributes.put("tags", List.of("vip", 2));
        attributes.put("nickname", null);
        store.replaceAll(List.of(new Member("u:1", attributes, new Addresses(null, "a@example.org", "tok", null, null), null)));

        Document stored = mongo.members.find().first();
        assertTrue(stored.get("updatedAt") instanceof Date);
        stored.remove("updatedAt");
        assertEquals(Document.parse("{_id: 'u:1', shard: " + Shards.of("u:1", 256) + ", "
                + "attributes: {country: 'FR', age: 31, tags: ['vip', 2], nickname: null}, "
                + "addresses: {email: 'a@example.org', fcm: 'tok'}}"), stored);

        store.replaceAll(List.of(new Member("u:1", Map.of("age", 32), Addresses.NONE, null)));
        Member replaced = store.find("u:1").orElseThrow();
        assertEquals(Map.of("age", 32), replaced.attributes());
        assertEquals(Addresses.NONE, replaced.addresses());
    }

    @Test
    void findAnswersNothingForAnUnknownMember() {
        assertTrue(store.find("nobody").isEmpty());
    }

    @Test
    void addressesOfAnswersOnlyMembersWithAnAddressOnThatChannelAcrossSlices() {
        List<Member> batch = new ArrayList<>();
        for (int i = 0; i < 250; i++) {
            // Every third member has no webhook address.
            String webhook = i % 3 == 0 ? null : "https://hooks.example.org/" + i;
            batch.add(new Member("m" + i, Map.of(), new Addresses(webhook, "m" + i + "@example.org", null, null, null), null));
        }
        store.replaceAll(batch);
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < 260; i++) {
            ids.add("m" + i); // m250..m259 do not exist
        }

        Map<String, String> webhooks = store.addressesOf(ids, "webhook");

        Map<String, String> expected = new LinkedHashMap<>();
        for (int i = 0; i < 250; i++) {
            if (i % 3 != 0) {
                expected.put("m" + i, "https://hooks.example.org/" + i);
            }
        }
        assertEquals(expected, webhooks);
        assertEquals(Map.of("m7", "m7@example.org"), store.addressesOf(List.of("m7", "m999"), "email"));
        assertEquals(Map.of(), store.addressesOf(List.of("m7"), "apns"));
    }

    @Test
    void addressesOfRefusesAChannelThatTakesNoMemberAddress() {
        assertThrows(IllegalArgumentException.class, () -> store.addressesOf(List.of("a"), "log"));
    }

    private static Member member(String id) {
        return new Member(id, Map.of("n", 1), Addresses.NONE, null);
    }
}
