package dev.push.audience;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoClients;
import com.mongodb.client.MongoCollection;
import de.bwaldvogel.mongo.MongoServer;
import de.bwaldvogel.mongo.backend.memory.MemoryBackend;
import dev.push.api.ApiException;
import org.bson.Document;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MemberFilterTest {
    /** Filters in tests use single quotes so the tables stay readable. */
    private static final ObjectMapper JSON = new ObjectMapper().enable(JsonParser.Feature.ALLOW_SINGLE_QUOTES);

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {}                                                   | {}
            {'country': 'FR'}                                    | {'attributes.country': 'FR'}
            {'age': 31}                                          | {'attributes.age': 31}
            {'big': 3000000000}                                  | {'attributes.big': {'$numberLong': '3000000000'}}
            {'score': 2.5}                                       | {'attributes.score': 2.5}
            {'vip': true, 'nickname': null}                      | {'attributes.vip': true, 'attributes.nickname': null}
            {'id': 'u1'}                                         | {'_id': 'u1'}
            {'id': 42}                                           | {'_id': '42'}
            {'id': {'$in': ['u1', 'u2']}}                        | {'_id': {'$in': ['u1', 'u2']}}
            {'age': {'$gte': 18, '$lt': 30}}                     | {'attributes.age': {'$gte': 18, '$lt': 30}}
            {'age': {'$gt': 1, '$lte': 9, '$ne': 5, '$eq': 4}}   | {'attributes.age': {'$gt': 1, '$lte': 9, '$ne': 5, '$eq': 4}}
            {'tags': {'$in': ['a', 1, true, null]}}              | {'attributes.tags': {'$in': ['a', 1, true, null]}}
            {'tags': {'$nin': []}}                               | {'attributes.tags': {'$nin': []}}
            {'email_ok': {'$exists': false}}                     | {'attributes.email_ok': {'$exists': false}}
            {'age': {'$not': {'$gte': 18}}}                      | {'attributes.age': {'$not': {'$gte': 18}}}
            {'$or': [{'a': 1}, {'b-2': {'$lt': 0}}]}             | {'$or': [{'attributes.a': 1}, {'attributes.b-2': {'$lt': 0}}]}
            {'$and': [{'$or': [{'a': 1}, {'b': 2}]}, {'c': 3}], 'd': 4} | {'$and': [{'$or': [{'attributes.a': 1}, {'attributes.b': 2}]}, {'attributes.c': 3}], 'attributes.d': 4}
            {'devices.platform': 'ios'}                          | {'devices.platform': 'ios'}
            {'devices.app': {'$in': ['shop', 'news']}}           | {'devices.app': {'$in': ['shop', 'news']}}
            {'devices.lastSeen': {'$gte': '2026-01-01T00:00:00Z'}} | {'devices.lastSeen': {'$gte': {'$date': '2026-01-01T00:00:00Z'}}}
            """)
    void allowedFilterTranslatesToExactlyThisMongoFilter(String filter, String mongo) throws Exception {
        assertEquals(Document.parse(mongo), MemberFilter.translate(JSON.readTree(filter)));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '`', textBlock = """
            {'$where': 'sleep(1000)'}                         | source.filter.$where               | operator $where is not allowed
            {'$expr': {'$gt': ['$a', 1]}}                     | source.filter.$expr                | operator $expr is not allowed
            {'$function': {'body': 'x'}}                      | source.filter.$function            | operator $function is not allowed
            {'$nor': [{'a': 1}]}                              | source.filter.$nor                 | operator $nor is not allowed
            {'$text': {'$search': 'x'}}                       | source.filter.$text                | operator $text is not allowed
            {'$': 1}                                          | source.filter["$"]                 | operator $ is not allowed
            {'$not': {'a': 1}}                                | source.filter.$not                 | operator $not applies to a field's operator expression
            {'age': {'$where': 'x'}}                          | source.filter.age.$where           | operator $where is not allowed
            {'name': {'$regex': '^a'}}                        | source.filter.name.$regex          | operator $regex is not allowed
            {'name': {'$options': 'i'}}                       | source.filter.name.$options        | operator $options is not allowed
            {'age': {'$accumulator': {}}}                     | source.filter.age.$accumulator     | operator $accumulator is not allowed
            {'age': {'$expr': 1}}                             | source.filter.age.$expr            | operator $expr is not allowed
            {'tags': {'$elemMatch': {'$gt': 1}}}              | source.filter.tags.$elemMatch      | operator $elemMatch is not allowed
            {'age': {'$x': 1}}                                | source.filter.age.$x               | operator $x is not allowed
            {'at': {'$date': '2020-01-01T00:00:00Z'}}         | source.filter.at.$date             | operator $date is not allowed
            {'age': {'$not': {'$where': 'x'}}}                | source.filter.age.$not.$where      | operator $where is not allowed
            {'$or': [{'a': 1}, {'b': {'$where': 'x'}}]}       | source.filter.$or[1].b.$where      | operator $where is not allowed
            {'$and': [{'$where': 'x'}]}                       | source.filter.$and[0].$where       | operator $where is not allowed
            {'a.b': 1}                                        | source.filter["a.b"]               | attribute name "a.b" is not allowed
            {'attributes.secret': 1}                          | source.filter["attributes.secret"] | attribute name "attributes.secret" is not allowed
            {'devices.token': 't'}                            | source.filter["devices.token"]     | attribute name "devices.token" is not allowed
            {'devices.lastSeen': {'$gt': 'yesterday'}}        | source.filter["devices.lastSeen"].$gt | an instant is ISO-8601 text
            {'devices.platform': {'$where': 'x'}}             | source.filter["devices.platform"].$where | operator $where is not allowed
            {'a$b': 1}                                        | source.filter["a$b"]               | attribute name "a$b" is not allowed
            {'': 1}                                           | source.filter[""]                  | attribute name "" is not allowed
            {'a': {'b': {'$where': 'x'}}}                     | source.filter.a                    | found an object with field "b"
            {'a': {'$eq': {'$where': 'x'}}}                   | source.filter.a.$eq                | operator $eq takes a string, number, boolean or null, found an object
            {'a': {'$gt': [1]}}                               | source.filter.a.$gt                | operator $gt takes a string, number, boolean or null, found an array
            {'a': {'$in': 'x'}}                               | source.filter.a.$in                | operator $in takes an array of values, found a string
            {'a': {'$nin': [1, {'$where': 'x'}]}}             | source.filter.a.$nin[1]            | operator $nin takes strings, numbers, booleans or null, found an object
            {'a': {'$in': [[1]]}}                             | source.filter.a.$in[0]             | operator $in takes strings, numbers, booleans or null, found an array
            {'a': {'$exists': 1}}                             | source.filter.a.$exists            | operator $exists takes true or false, found a number
            {'a': {'$not': 5}}                                | source.filter.a.$not               | operator $not takes an operator expression
            {'a': {}}                                         | source.filter.a                    | an empty operator expression
            {'a': [1, 2]}                                     | source.filter.a                    | an array is only allowed as the list of $in or $nin
            {'$or': []}                                       | source.filter.$or                  | operator $or takes a non-empty array of filters, found an empty array
            {'$and': {'a': 1}}                                | source.filter.$and                 | operator $and takes a non-empty array of filters, found an object
            {'$or': [1]}                                      | source.filter.$or[0]               | a filter must be an object, found a number
            {'id': true}                                      | source.filter.id                   | a member id is a string, found a boolean
            {'id': {'$in': ['u1', 2.5]}}                      | source.filter.id.$in[1]            | a member id is a string, found a number
            {'a': 123456789012345678901234567890}             | source.filter.a                    | integer 123456789012345678901234567890 is out of the 64-bit range
            [{'a': 1}]                                        | source.filter                      | a filter must be an object, found an array
            """)
    void refusedFilterNamesWhereAndWhatWasRefused(String filter, String field, String message) throws Exception {
        ApiException refused = assertThrows(ApiException.class, () -> MemberFilter.translate(JSON.readTree(filter)));

        assertEquals(400, refused.status);
        assertEquals(1, refused.errors.size());
        assertEquals(field, refused.errors.get(0).field());
        String said = refused.errors.get(0).message();
        assertEquals(true, said.contains(message), () -> "message \"" + said + "\" should contain \"" + message + "\"");
    }

    @Test
    void refusalNamesTheAllowedOperators() {
        ApiException refused = refusal("{'age': {'$where': 'x'}}");
        assertEquals("source.filter.age.$where: operator $where is not allowed "
                + "(allowed: $eq, $ne, $gt, $gte, $lt, $lte, $in, $nin, $exists, $not)", refused.getMessage());
    }

    @Test
    void pathOfTheRequestIsUsedInRefusals() throws Exception {
        ApiException refused = assertThrows(ApiException.class,
                () -> MemberFilter.translate(JSON.readTree("{'a': {'$where': 1}}"), "sources[2].filter"));
        assertEquals("sources[2].filter.a.$where", refused.errors.get(0).field());
    }

    @Test
    void missingFilterIsRefused() {
        assertEquals("source.filter", assertThrows(ApiException.class, () -> MemberFilter.translate((JsonNode) null)).errors.get(0).field());
    }

    @Test
    void filterGivenAsAMapTranslatesLikeJson() {
        assertEquals(Document.parse("{'attributes.age': {'$gte': 18}, '_id': {'$nin': ['u9']}}"),
                MemberFilter.translate(Map.of("age", Map.of("$gte", 18), "id", Map.of("$nin", List.of("u9")))));
    }

    @Test
    void nestingUpToTheDepthLimitIsAllowedAndOneLevelMoreIsRefused() {
        assertEquals(8, depthOf(MemberFilter.translate(nested(MemberFilter.MAX_DEPTH))));

        ApiException refused = assertThrows(ApiException.class, () -> MemberFilter.translate(nested(MemberFilter.MAX_DEPTH + 1)));
        assertEquals("source.filter" + ".$or[0]".repeat(MemberFilter.MAX_DEPTH), refused.errors.get(0).field());
        assertEquals("filters may nest at most 8 levels deep", refused.errors.get(0).message());
    }

    @Test
    void negationsCountAsNesting() {
        String deep = "{'a': " + "{'$not': ".repeat(MemberFilter.MAX_DEPTH) + "{'$eq': 1}" + "}".repeat(MemberFilter.MAX_DEPTH) + "}";
        ApiException refused = refusal(deep);
        assertEquals("filters may nest at most 8 levels deep", refused.errors.get(0).message());
    }

    @Test
    void moreConditionsThanTheLimitAreRefused() {
        ObjectNode filter = JsonNodeFactory.instance.objectNode();
        for (int i = 0; i < MemberFilter.MAX_CONDITIONS; i++) {
            filter.put("a" + i, i);
        }
        assertEquals(MemberFilter.MAX_CONDITIONS, MemberFilter.translate(filter).size());

        filter.put("one_more", 1);
        ApiException refused = assertThrows(ApiException.class, () -> MemberFilter.translate(filter));
        assertEquals("source.filter.one_more", refused.errors.get(0).field());
        assertEquals("a filter may hold at most 200 conditions", refused.errors.get(0).message());
    }

    @Test
    void inListLongerThanTheLimitIsRefused() {
        ObjectNode filter = JsonNodeFactory.instance.objectNode();
        ArrayNode values = filter.putObject("id").putArray("$in");
        for (int i = 0; i < MemberFilter.MAX_LIST; i++) {
            values.add("u" + i);
        }
        assertEquals(MemberFilter.MAX_LIST, ((List<?>) ((Document) MemberFilter.translate(filter).get("_id")).get("$in")).size());

        values.add("one-more");
        ApiException refused = assertThrows(ApiException.class, () -> MemberFilter.translate(filter));
        assertEquals("source.filter.id.$in", refused.errors.get(0).field());
        assertEquals("operator $in takes at most 10000 values, found 10001", refused.errors.get(0).message());
    }

    @Test
    void inListsTogetherLongerThanTheLimitAreRefused() {
        ObjectNode filter = JsonNodeFactory.instance.objectNode();
        for (int list = 0; list <= MemberFilter.MAX_LIST_VALUES / MemberFilter.MAX_LIST; list++) {
            ArrayNode values = filter.putObject("a" + list).putArray("$in");
            for (int i = 0; i < MemberFilter.MAX_LIST; i++) {
                values.add(i);
            }
        }
        ApiException refused = assertThrows(ApiException.class, () -> MemberFilter.translate(filter));
        assertEquals("source.filter.a5.$in", refused.errors.get(0).field());
        assertEquals("a filter may hold at most 50000 values in all its $in and $nin lists", refused.errors.get(0).message());
    }

    @Test
    void stringLongerThanTheLimitIsRefused() {
        String longest = "x".repeat(MemberFilter.MAX_STRING);
        assertEquals(new Document("attributes.a", longest), MemberFilter.translate(Map.of("a", longest)));

        ApiException refused = assertThrows(ApiException.class, () -> MemberFilter.translate(Map.of("a", Map.of("$in", List.of(longest + "x")))));
        assertEquals("source.filter.a.$in[0]", refused.errors.get(0).field());
        assertEquals("a string may be at most 1024 characters long", refused.errors.get(0).message());
    }

    /** Runs translated filters on the embedded server, over documents shaped as the members collection stores them. */
    @Nested
    @TestInstance(TestInstance.Lifecycle.PER_CLASS)
    class OnTheEmbeddedDatabase {
        private MongoServer server;
        private MongoClient client;
        private MongoCollection<Document> members;

        @BeforeAll
        void start() {
            server = new MongoServer(new MemoryBackend());
            server.bind("127.0.0.1", 0);
            client = MongoClients.create("mongodb://127.0.0.1:" + server.getLocalAddress().getPort());
            members = client.getDatabase("push").getCollection("members");
            members.insertMany(List.of(
                    Document.parse("{_id: 'u1', shard: 1, attributes: {country: 'FR', age: 31, tags: ['vip', 'beta'], email_ok: true}, addresses: {}}"),
                    Document.parse("{_id: 'u2', shard: 2, attributes: {country: 'DE', age: 17, tags: ['beta']}, addresses: {}}"),
                    Document.parse("{_id: 'u3', shard: 3, attributes: {country: 'FR', age: 65.5}, addresses: {}}"),
                    Document.parse("{_id: 'u4', shard: 4, attributes: {country: 'US', age: {$numberLong: '40'}, email_ok: false}, addresses: {}}"),
                    Document.parse("{_id: 'u5', shard: 5, attributes: {}, addresses: {}}")));
        }

        @AfterAll
        void stop() {
            client.close();
            server.shutdownNow();
        }

        @ParameterizedTest(name = "{0}")
        @CsvSource(delimiter = '|', textBlock = """
                {}                                                  | u1 u2 u3 u4 u5
                {'country': 'FR'}                                   | u1 u3
                {'country': {'$ne': 'FR'}}                          | u2 u4 u5
                {'age': {'$gte': 18, '$lt': 60}}                    | u1 u4
                {'age': 40.0}                                       | u4
                {'age': {'$not': {'$gte': 18}}}                     | u2 u5
                {'tags': 'vip'}                                     | u1
                {'tags': {'$in': ['vip', 'beta']}}                  | u1 u2
                {'tags': {'$nin': ['beta']}}                        | u3 u4 u5
                {'email_ok': {'$exists': false}}                    | u2 u3 u5
                {'$or': [{'country': 'DE'}, {'age': {'$gt': 60}}]}  | u2 u3
                {'$and': [{'country': 'FR'}, {'id': {'$in': ['u3', 'u4']}}]} | u3
                {'id': {'$gt': 'u3'}}                               | u4 u5
                """)
        void translatedFilterSelectsExactlyTheseMembers(String filter, String expected) throws Exception {
            List<String> matched = new ArrayList<>();
            for (Document member : members.find(MemberFilter.translate(JSON.readTree(filter))).sort(new Document("_id", 1))) {
                matched.add(member.getString("_id"));
            }
            assertEquals(List.of(expected.split(" ")), matched);
        }
    }

    private static ApiException refusal(String filter) {
        return assertThrows(ApiException.class, () -> MemberFilter.translate(JSON.readTree(filter)));
    }

    /** {"$or": [{"$or": [… {"a": 1} …]}]} with the given number of filter levels. */
    private static JsonNode nested(int levels) {
        ObjectNode filter = JsonNodeFactory.instance.objectNode().put("a", 1);
        for (int i = 1; i < levels; i++) {
            ObjectNode outer = JsonNodeFactory.instance.objectNode();
            outer.putArray("$or").add(filter);
            filter = outer;
        }
        return filter;
    }

    private static int depthOf(Document filter) {
        Object or = filter.get("$or");
        return or == null ? 1 : 1 + depthOf((Document) ((List<?>) or).get(0));
    }
}
