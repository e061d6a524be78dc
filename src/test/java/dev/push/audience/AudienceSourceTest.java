package dev.push.audience;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.push.api.ApiException;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The one reading of an audience's source: from a request, to the task's document and back. */
class AudienceSourceTest {
    private final ObjectMapper json = new ObjectMapper();

    private AudienceRequest.Source request(String text) throws Exception {
        return json.readValue(text.replace('\'', '"'), AudienceRequest.Source.class);
    }

    @Test
    void eachKindIsStoredInTheShapeTheApiTakesAndReadBackAsTheSameCase() throws Exception {
        for (String text : List.of("{'kind':'upload'}", "{'kind':'query','filter':{'age':{'$gte':18}}}",
                "{'kind':'combine','op':'exclude','audiences':[3,4]}")) {
            AudienceSource source = AudienceSource.from(request(text), json);
            Document stored = source.toDocument();
            assertEquals(Document.parse(text.replace('\'', '"')).toJson(), stored.toJson(), text);
            assertEquals(source, AudienceSource.of(stored), text);
        }
    }

    @Test
    void aListIsStoredWithoutItsIdsUnlessKeptInline() {
        assertEquals(new Document("kind", "ids"), new AudienceSource.Ids(null).toDocument());
        assertEquals(new AudienceSource.Ids(null), AudienceSource.of(new Document("kind", "ids")));
        Document inline = new Document("kind", "ids").append("ids", List.of("7", "8"));
        assertEquals(List.of("7", "8"), ((AudienceSource.Ids) AudienceSource.of(inline)).ids());
    }

    @Test
    void onlyListsAndUploadsNameTheirMembers() {
        assertTrue(new AudienceSource.Ids(List.of("a")).namesMembers());
        assertTrue(new AudienceSource.Upload().namesMembers());
        assertFalse(new AudienceSource.Query(new Document()).namesMembers());
        assertFalse(new AudienceSource.Combine(AudienceSource.Operation.UNION, List.of(1L, 2L)).namesMembers());
    }

    @Test
    void aRequestIsRefusedNamingTheFieldAndTheReason() {
        Map<String, String> cases = Map.of(
                "{'kind':'magic'}", "source.kind: must be one of ids, upload, query, combine",
                "{}", "source.kind: must be one of ids, upload, query, combine",
                "{'kind':'ids','ids':[]}", "source.ids: must list at least one member id",
                "{'kind':'ids','ids':['ok','not ok']}", "source.ids[1]: member id ",
                "{'kind':'query','filter':5}", "source.filter: must be an object of conditions on member attributes",
                "{'kind':'query','filter':{'$where':'x'}}", "source.filter.$where: operator $where is not allowed",
                "{'kind':'combine','op':'xor','audiences':[1,2]}", "source.op: must be one of union, intersect, exclude",
                "{'kind':'combine','op':'union','audiences':[1]}", "source.audiences: must name at least two audiences");
        cases.forEach((text, expected) -> {
            ApiException e = assertThrows(ApiException.class, () -> AudienceSource.from(request(text), json), text);
            String got = e.errors.get(0).field() + ": " + e.errors.get(0).message();
            assertTrue(got.startsWith(expected), text + " → " + got);
        });
    }

    @Test
    void aDraftThatIsOnlyCountedMayListNoIds() throws Exception {
        AudienceSource draft = AudienceSource.draft(request("{'kind':'ids'}"), json);
        assertEquals(new AudienceSource.Ids(List.of()), draft);
        assertInstanceOf(AudienceSource.Combine.class, AudienceSource.draft(request("{'kind':'combine','op':'union'}"), json));
    }

    @Test
    void theOperationsJoinOneShardsIdsInTheFirstSourcesOrder() {
        List<List<String>> shard = List.of(List.of("a", "b", "c"), List.of("c", "d", "a"), List.of("a", "e"));
        assertEquals(List.of("a", "b", "c", "d", "e"), List.copyOf(AudienceSource.Operation.UNION.apply(shard)));
        assertEquals(List.of("a"), List.copyOf(AudienceSource.Operation.INTERSECT.apply(shard)));
        assertEquals(List.of("b"), List.copyOf(AudienceSource.Operation.EXCLUDE.apply(shard)));
        assertEquals(List.of(), List.copyOf(AudienceSource.Operation.UNION.apply(List.of())));
        assertNull(AudienceSource.Operation.of("xor"));
    }
}
