package dev.push.api;

import dev.push.Api;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A table of bad inputs across the API: each is answered 4xx problem+json that names the
 * problem, and none of them changes what the database holds.
 */
@QuarkusTest
class BadInputTableTest {
    @jakarta.inject.Inject
    dev.push.tracking.TrackedLinks links;

    /** What a 413 names: the limit and the setting that sets it. */
    static final String LIMIT = "larger than 4 MiB (4194304 bytes), the limit for JSON bodies (push.api.max-json-body)";

    /**
     * One bad input. {@code headers} go with the request ({@code {i}} in a value becomes the attempt's number; a
     * {@code Basic} value is given as {@code user:password} and encoded after that), and the request is sent
     * {@code tries} times, only the last answer checked: for limits that a series reaches.
     */
    record Bad(String why, String method, String path, String contentType, String body, int status, String mentions,
               Map<String, String> headers, int tries) {
        Bad(String why, String method, String path, String contentType, String body, int status, String mentions) {
            this(why, method, path, contentType, body, status, mentions, Map.of(), 1);
        }
    }

    static String header(String value, int attempt) {
        String v = value.replace("{i}", String.valueOf(attempt));
        return v.startsWith("Basic ") ? "Basic " + java.util.Base64.getEncoder().encodeToString(
                v.substring(6).getBytes(java.nio.charset.StandardCharsets.UTF_8)) : v;
    }

    static String json(String s) {
        return s.replace('\'', '"');
    }

    static final String OPERATOR_PASSWORD = "table-operator-password-1";
    /** An operator (not an admin), created before the table is read. */
    final String operator = "table-operator-" + System.nanoTime();

    List<Bad> table(long audience, long campaign) {
        String longName = "n".repeat(201);
        String longId = "i".repeat(129);
        String deep = "{'a':1}";
        for (int i = 0; i < 9; i++) {
            deep = "{'$and':[" + deep + "]}";
        }
        String tooManyIds = IntStream.range(0, 1_000_001).mapToObj(i -> "'x" + i + "'").collect(Collectors.joining(","));
        String c = "/api/campaigns";
        String a = "/api/audiences";
        String okMessage = "'message':{'title':'t'}";
        List<Bad> t = new ArrayList<>();
        t.add(new Bad("malformed JSON", "POST", a, "application/json", "{'name':", 400, "JSON"));
        t.add(new Bad("an array for an object", "POST", a, "application/json", "[]", 400, "body"));
        t.add(new Bad("name missing", "POST", a, "application/json", "{'source':{'kind':'upload'}}", 400, "name"));
        t.add(new Bad("name too long", "POST", a, "application/json", "{'name':'" + longName + "','source':{'kind':'upload'}}", 400, "name"));
        t.add(new Bad("source missing", "POST", a, "application/json", "{'name':'x'}", 400, "source"));
        t.add(new Bad("unknown source kind", "POST", a, "application/json", "{'name':'x','source':{'kind':'magic'}}", 400, "source.kind"));
        t.add(new Bad("workers 0", "POST", a, "application/json", "{'name':'x','workers':0,'source':{'kind':'upload'}}", 400, "workers"));
        t.add(new Bad("workers huge", "POST", a, "application/json", "{'name':'x','workers':100000,'source':{'kind':'upload'}}", 400, "workers"));
        t.add(new Bad("workers a string", "POST", a, "application/json", "{'name':'x','workers':'many','source':{'kind':'upload'}}", 400, "workers"));
        t.add(new Bad("qps negative", "POST", a, "application/json", "{'name':'x','qps':-1,'source':{'kind':'upload'}}", 400, "qps"));
        t.add(new Bad("qps beyond an int", "POST", a, "application/json", "{'name':'x','qps':99999999999,'source':{'kind':'upload'}}", 400, "qps"));
        t.add(new Bad("shards 0", "POST", a, "application/json", "{'name':'x','shards':0,'source':{'kind':'upload'}}", 400, "shards"));
        t.add(new Bad("an id with spaces", "POST", a, "application/json", "{'name':'x','source':{'kind':'ids','ids':['ok','not ok']}}", 400, "source.ids[1]"));
        t.add(new Bad("an id too long", "POST", a, "application/json", "{'name':'x','source':{'kind':'ids','ids':['" + longId + "']}}", 400, "source.ids[0]"));
        t.add(new Bad("no ids", "POST", a, "application/json", "{'name':'x','source':{'kind':'ids','ids':[]}}", 400, "source.ids"));
        // 1,000,001 ids are 11 MB of JSON: the body limit refuses them before the list's own limit is reached.
        t.add(new Bad("too many ids", "POST", a, "application/json", "{'name':'x','source':{'kind':'ids','ids':[" + tooManyIds + "]}}", 413, LIMIT));
        t.add(new Bad("$where", "POST", a, "application/json", "{'name':'x','source':{'kind':'query','filter':{'$where':'sleep(1)'}}}", 400, "$where"));
        t.add(new Bad("$function in an attribute", "POST", a, "application/json", "{'name':'x','source':{'kind':'query','filter':{'x':{'$function':{'body':'f'}}}}}", 400, "$function"));
        t.add(new Bad("$expr", "POST", a, "application/json", "{'name':'x','source':{'kind':'query','filter':{'$expr':{'$gt':['$a',1]}}}}", 400, "$expr"));
        t.add(new Bad("$regex", "POST", a, "application/json", "{'name':'x','source':{'kind':'query','filter':{'x':{'$regex':'.*'}}}}", 400, "$regex"));
        t.add(new Bad("a dotted attribute", "POST", a, "application/json", "{'name':'x','source':{'kind':'query','filter':{'a.b':1}}}", 400, "a.b"));
        t.add(new Bad("an object as a value", "POST", a, "application/json", "{'name':'x','source':{'kind':'query','filter':{'a':{'b':1}}}}", 400, "source.filter"));
        t.add(new Bad("a filter nested too deep", "POST", a, "application/json", "{'name':'x','source':{'kind':'query','filter':" + deep + "}}", 400, "source.filter"));
        t.add(new Bad("a filter that is a number", "POST", a, "application/json", "{'name':'x','source':{'kind':'query','filter':5}}", 400, "source.filter"));
        t.add(new Bad("combine of unknown audiences", "POST", a, "application/json", "{'name':'x','source':{'kind':'combine','op':'union','audiences':[987654,987655]}}", 400, "source.audiences[0]"));
        t.add(new Bad("combine with a bad op", "POST", a, "application/json", "{'name':'x','source':{'kind':'combine','op':'xor','audiences':[1,2]}}", 400, "source.op"));
        t.add(new Bad("campaign on an unknown audience", "POST", c, "application/json", "{'name':'x','audienceId':987654,'channel':'log'," + okMessage + "}", 400, "audienceId"));
        t.add(new Bad("campaign on an unknown channel", "POST", c, "application/json", "{'name':'x','audienceId':" + audience + ",'channel':'pigeon'," + okMessage + "}", 400, "channel"));
        t.add(new Bad("campaign in an unknown category", "POST", c, "application/json", "{'name':'x','audienceId':" + audience + ",'channel':'log','category':'sales'," + okMessage + "}", 400, "category"));
        t.add(new Bad("preferences with an unknown category", "PUT", "/api/members/table-1/preferences", "application/json", "{'optedOutOf':['news','sales']}", 400, "optedOutOf[1]"));
        t.add(new Bad("a suppression list of an unknown kind", "POST", "/api/members/suppressions?kind=phone", "text/plain", "123", 400, "kind"));
        t.add(new Bad("an unsubscribe link with a forged token", "POST", "/u/AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click", 404, "Not Found"));
        String okCampaign = "'name':'x','audienceId':" + audience + ",'channel':'log'," + okMessage;
        t.add(new Bad("campaign expiring in the past", "POST", c, "application/json", "{" + okCampaign + ",'expiresAt':'2020-01-01T00:00:00Z'}", 400, "expiresAt"));
        t.add(new Bad("campaign expiring before its start", "POST", c, "application/json", "{" + okCampaign + ",'startAt':'2099-01-02T00:00:00Z','expiresAt':'2099-01-01T00:00:00Z'}", 400, "must be after startAt"));
        t.add(new Bad("campaign with a ttl of 0", "POST", c, "application/json", "{" + okCampaign + ",'ttl':'PT0S'}", 400, "ttl"));
        t.add(new Bad("campaign with a ttl that is no duration", "POST", c, "application/json", "{" + okCampaign + ",'ttl':'6 hours'}", 400, "ttl"));
        t.add(new Bad("campaign with both expiresAt and ttl", "POST", c, "application/json", "{" + okCampaign + ",'ttl':'PT1H','expiresAt':'2099-01-01T00:00:00Z'}", 400, "not both"));
        t.add(new Bad("campaign in an unknown time zone", "POST", c, "application/json", "{" + okCampaign + ",'timing':{'timezone':'Mars/Olympus','date':'2099-01-01','localTime':'10:00'}}", 400, "timing.timezone"));
        t.add(new Bad("campaign in a fixed offset, not an IANA zone", "POST", c, "application/json", "{" + okCampaign + ",'timing':{'timezone':'+02:00'}}", 400, "timing.timezone"));
        t.add(new Bad("campaign at a local date in the past", "POST", c, "application/json", "{" + okCampaign + ",'timing':{'date':'2020-01-01','localTime':'10:00'}}", 400, "timing.date"));
        t.add(new Bad("campaign at a local time without a date", "POST", c, "application/json", "{" + okCampaign + ",'timing':{'localTime':'10:00'}}", 400, "timing.date"));
        t.add(new Bad("campaign at a local time that is no time", "POST", c, "application/json", "{" + okCampaign + ",'timing':{'date':'2099-01-01','localTime':'25:00'}}", 400, "timing.localTime"));
        t.add(new Bad("campaign at a date that is no date", "POST", c, "application/json", "{" + okCampaign + ",'timing':{'date':'2099-02-30','localTime':'10:00'}}", 400, "timing.date"));
        t.add(new Bad("campaign whose passed members are neither sent nor skipped", "POST", c, "application/json", "{" + okCampaign + ",'timing':{'date':'2099-01-01','localTime':'10:00','passed':'later'}}", 400, "timing.passed"));
        t.add(new Bad("campaign with empty quiet hours", "POST", c, "application/json", "{" + okCampaign + ",'timing':{'quietHours':{'start':'21:00','end':'21:00'}}}", 400, "empty window"));
        t.add(new Bad("campaign with quiet hours missing their end", "POST", c, "application/json", "{" + okCampaign + ",'timing':{'quietHours':{'start':'21:00'}}}", 400, "timing.quietHours.end"));
        t.add(new Bad("campaign with quiet hours that are no time", "POST", c, "application/json", "{" + okCampaign + ",'timing':{'quietHours':{'start':'9pm','end':'08:00'}}}", 400, "timing.quietHours.start"));
        t.add(new Bad("campaign with an unknown priority", "POST", c, "application/json", "{" + okCampaign + ",'priority':'urgent'}", 400, "priority"));
        t.add(new Bad("campaign with a collapse key with spaces", "POST", c, "application/json", "{" + okCampaign + ",'collapseKey':'a b'}", 400, "collapseKey"));
        t.add(new Bad("campaign without a message", "POST", c, "application/json", "{'name':'x','audienceId':" + audience + ",'channel':'log'}", 400, "message"));
        t.add(new Bad("a message without title or body", "POST", c, "application/json", "{'name':'x','audienceId':" + audience + ",'channel':'log','message':{'link':'https://x.org'}}", 400, "message"));
        t.add(new Bad("a title too long", "POST", c, "application/json", "{'name':'x','audienceId':" + audience + ",'channel':'log','message':{'title':'" + longName.repeat(3) + "'}}", 400, "message.title"));
        t.add(new Bad("a title that is no template", "POST", c, "application/json", "{'name':'x','audienceId':" + audience + ",'channel':'log','message':{'title':'{member.attributes.x'}}", 400, "message.title"));
        t.add(new Bad("batch size 0", "POST", c, "application/json", "{'name':'x','audienceId':" + audience + ",'channel':'log','batchSize':0," + okMessage + "}", 400, "batchSize"));
        t.add(new Bad("a negative error budget", "POST", c, "application/json", "{'name':'x','audienceId':" + audience + ",'channel':'log','errorBudget':-5," + okMessage + "}", 400, "errorBudget"));
        t.add(new Bad("a start time that is no time", "POST", c, "application/json", "{'name':'x','audienceId':" + audience + ",'channel':'log','startAt':'tomorrow'," + okMessage + "}", 400, "startAt"));
        // A/B variants and winner mode (issue 13).
        String ab = "{'name':'x','audienceId':" + audience + ",'channel':'log','message':{'link':'https://x.org/{member.id}'},";
        String two = "'variants':[{'title':'a','split':10},{'title':'b','split':10}]";
        String j = "application/json";
        t.add(new Bad("A/B splits and holdout summing to 90", "POST", c, j, ab + two + ",'winner':{'holdout':70}}", 400, "sum to 90%, not 100%"));
        t.add(new Bad("A/B splits summing to 20 without a holdout", "POST", c, j, ab + two + "}", 400, "sum to 20%, not 100%"));
        t.add(new Bad("A/B campaign at a local time", "POST", c, j, ab + "'variants':[{'title':'a','split':50},{'title':'b','split':50}],'timing':{'date':'2099-01-01','localTime':'10:00'}}", 400, "timing.date"));
        t.add(new Bad("9 variants", "POST", c, j, ab + "'variants':[" + IntStream.range(0, 9).mapToObj(i -> "{'title':'v','split':11}")
                .collect(Collectors.joining(",")) + "]}", 400, "has 9; an A/B campaign has 2 to 8 variants"));
        t.add(new Bad("1 variant", "POST", c, j, ab + "'variants':[{'title':'a','split':100}]}", 400, "has 1; an A/B campaign has 2 to 8 variants"));
        t.add(new Bad("an unknown A/B metric", "POST", c, j, ab + two + ",'winner':{'holdout':80,'metric':'liked'}}", 400, "winner.metric"));
        t.add(new Bad("a fallback naming no variant", "POST", c, j, ab + two + ",'winner':{'holdout':80,'fallback':'Z'}}", 400, "winner.fallback"));
        t.add(new Bad("a variant without a split", "POST", c, j, ab + "'variants':[{'title':'a'},{'title':'b','split':100}]}", 400, "variants[0].split"));
        t.add(new Bad("two variants of one name", "POST", c, j, ab + "'variants':[{'name':'A','title':'a','split':50},{'name':'A','title':'b','split':50}]}", 400, "variants[1].name"));
        t.add(new Bad("a wait that is no duration", "POST", c, j, ab + two + ",'winner':{'holdout':80,'wait':'soon'}}", 400, "winner.wait"));
        t.add(new Bad("alpha 1", "POST", c, j, ab + two + ",'winner':{'holdout':80,'alpha':1}}", 400, "winner.alpha"));
        t.add(new Bad("winner mode without variants", "POST", c, j, "{'name':'x','audienceId':" + audience + ",'channel':'log'," + okMessage + ",'winner':{'holdout':50}}", 400, "winner"));
        t.add(new Bad("a variant's title that is no template", "POST", c, j, ab + "'variants':[{'title':'{member.x','split':50},{'title':'b','split':50}]}", 400, "variants[0].title"));
        t.add(new Bad("clicks as the metric without a tracked link", "POST", c, j, "{'name':'x','audienceId':" + audience + ",'channel':'log','message':{}," + two + ",'winner':{'holdout':80}}", 400, "clicked needs a tracked link"));
        t.add(new Bad("a winner for a campaign without winner mode", "POST", c + "/" + campaign + "/winner", j, "{'variant':'A'}", 409, "has no winner mode"));
        t.add(new Bad("a preview of a variant the campaign lacks", "POST", c + "/" + campaign + "/preview", j, "{'variant':'Z'}", 400, "variant"));
        t.add(new Bad("start of an unknown campaign", "POST", c + "/987654/start", null, null, 404, "987654"));
        t.add(new Bad("pause of a ready campaign", "POST", c + "/" + campaign + "/pause", null, null, 409, "ready"));
        t.add(new Bad("resume of a ready campaign", "POST", c + "/" + campaign + "/resume", null, null, 409, "ready"));
        t.add(new Bad("an unknown command", "POST", c + "/" + campaign + "/explode", null, null, 404, ""));
        t.add(new Bad("PATCH workers 0", "PATCH", c + "/" + campaign, "application/json", "{'workers':0}", 400, "workers"));
        t.add(new Bad("PATCH qps negative", "PATCH", a + "/" + audience, "application/json", "{'qps':-3}", 400, "qps"));
        t.add(new Bad("deliveries in an unknown state", "GET", c + "/" + campaign + "/deliveries?state=lost", null, null, 400, "state"));
        t.add(new Bad("deliveries limit 0", "GET", c + "/" + campaign + "/deliveries?limit=0", null, null, 400, "limit"));
        t.add(new Bad("a delivery cursor we never gave", "GET", c + "/" + campaign + "/deliveries?after=x.y", null, null, 400, "after"));
        t.add(new Bad("list offset negative", "GET", a + "?offset=-1", null, null, 400, "offset"));
        t.add(new Bad("list limit huge", "GET", c + "?limit=100000", null, null, 400, "limit"));
        t.add(new Bad("a member id with spaces", "GET", "/api/members/not%20ok", null, null, 400, ""));
        t.add(new Bad("an import in an unsupported format", "POST", "/api/members/import", "application/xml", "<m/>", 415, ""));
        t.add(new Bad("members of an audience not built", "GET", a + "/" + audience + "/members", null, null, 409, "not built"));
        // Bodies over push.api.max-json-body (4 MiB by default), one on each kind of route that reads a body whole.
        String big = "b".repeat(5 << 20);
        t.add(new Bad("an oversize audience", "POST", a, "application/json", "{'name':'" + big + "','source':{'kind':'upload'}}", 413, LIMIT));
        t.add(new Bad("an oversize campaign", "POST", c, "application/json", "{'name':'x','audienceId':" + audience + ",'channel':'log','message':{'title':'t','body':'" + big + "'}}", 413, LIMIT));
        t.add(new Bad("an oversize PATCH", "PATCH", c + "/" + campaign, "application/json", "{'name':'" + big + "'}", 413, LIMIT));
        t.add(new Bad("an oversize channel", "POST", "/api/channels", "application/json", "{'name':'big','type':'webhook','settings':{'endpoint':'http://127.0.0.1:9/" + big + "'}}", 413, LIMIT));
        t.add(new Bad("an oversize count", "POST", a + "/count", "application/json", "{'kind':'ids','ids':['" + big + "']}", 413, LIMIT));
        t.add(new Bad("an oversize op call", "POST", "/constraint/update", "application/json", "{'id':" + audience + ",'name':'" + big + "'}", 413, LIMIT));
        // Message templates within bounds, and where webhooks may go (docs/security.md).
        String camp = "{'name':'x','audienceId':" + audience + ",'channel':'log','message':";
        t.add(new Bad("a billion-step loop", "POST", c, "application/json", camp + "{'title':'{#for i in 1000000000}{/for}'}}", 400, "message.title"));
        t.add(new Bad("two nested 10,000-loops", "POST", c, "application/json", camp + "{'title':'{#for i in 10000}{#for j in 10000}{/for}{/for}'}}", 400, "a loop goes over member data"));
        t.add(new Bad("a million characters", "POST", c, "application/json", camp + "{'title':'t','body':'{#for i in 1000}{#for j in 1000}x{/for}{/for}'}}", 400, "message.body"));
        t.add(new Bad("loops three deep", "POST", c, "application/json", camp + "{'title':'{#for a in member.attributes.x}{#for b in a}{#for c in b}{c}{/for}{/for}{/for}'}}", 400, "push.message.loop-depth"));
        t.add(new Bad("a title rendering past its limit", "POST", c, "application/json", camp + "{'title':'{#let w=\\'" + "w".repeat(200) + "\\'}{w}{w}{w}{w}{w}{w}{/let}'}}", 400, "push.message.rendered-title"));
        t.add(new Bad("an eval section", "POST", c, "application/json", camp + "{'title':'{#eval member.attributes.t /}'}}", 400, "message.title"));
        t.add(new Bad("a javascript: link", "POST", c, "application/json", camp + "{'title':'t','link':'javascript:alert(1)'}}", 400, "message.link"));
        t.add(new Bad("a java<tab>script: link", "POST", c, "application/json", camp + "{'title':'t','link':'java\\tscript:alert(1)'}}", 400, "message.link"));
        t.add(new Bad("a data: link", "POST", c, "application/json", camp + "{'title':'t','link':'data:text/html,x'}}", 400, "message.link"));
        for (String endpoint : List.of("http://169.254.169.254/latest/meta-data/", "http://[fe80::1]/", "http://0.0.0.0:8080/",
                "http://224.0.0.1/", "http://100.100.100.200/", "http://[::ffff:169.254.169.254]/", "http://[fd00:ec2::254]/")) {
            t.add(new Bad("a webhook endpoint at " + endpoint, "POST", "/api/channels", "application/json",
                    "{'name':'guarded','type':'webhook','settings':{'endpoint':'" + endpoint + "'}}", 400, "settings.endpoint"));
        }
        // Web Push (issue 15): the channel's subject and key pair, and a member's subscription.
        t.add(new Bad("a webpush channel without a subject", "POST", "/api/channels", "application/json",
                "{'name':'wp-bad','type':'webpush','settings':{}}", 400, "settings.subject"));
        t.add(new Bad("a webpush subject that is no contact", "POST", "/api/channels", "application/json",
                "{'name':'wp-bad','type':'webpush','settings':{'subject':'ops@example.org'}}", 400, "settings.subject"));
        t.add(new Bad("half a VAPID key pair", "POST", "/api/channels", "application/json",
                "{'name':'wp-bad','type':'webpush','settings':{'subject':'mailto:ops@example.org'},'credentials':{'vapidPublicKey':'MFkw'}}", 400, "credentials.vapidPrivateKey"));
        t.add(new Bad("a webpush urgency that does not exist", "POST", "/api/channels", "application/json",
                "{'name':'wp-bad','type':'webpush','settings':{'subject':'mailto:ops@example.org','urgency':'now'}}", 400, "settings.urgency"));
        // Tracked links and events (issue 13): a token that is not exactly one this service signed redirects nowhere.
        String token = links.link(campaign, "table-1", 0).substring(links.link(campaign, "table-1", 0).indexOf("/c/") + 3);
        byte[] otherKey = new byte[32];
        otherKey[0] = 7;
        String resigned = new dev.push.tracking.LinkToken(otherKey).sign(new dev.push.tracking.LinkToken.Claim(campaign, "table-1", 0));
        String otherCampaign = links.link(campaign + 100_000, "table-1", 0);
        otherCampaign = otherCampaign.substring(otherCampaign.indexOf("/c/") + 3);
        String notFound = "\"title\":\"Not Found\"";
        t.add(new Bad("a truncated link token", "GET", "/c/" + token.substring(0, token.length() - 2), null, null, 404, notFound));
        t.add(new Bad("a link token re-signed under another key", "GET", "/c/" + resigned, null, null, 404, notFound));
        t.add(new Bad("a link token of a campaign that does not exist", "GET", "/c/" + otherCampaign, null, null, 404, notFound));
        String e = "/api/events";
        t.add(new Bad("events: not an array", "POST", e, "application/json", "{'type':'opened'}", 400, "must be a JSON array"));
        t.add(new Bad("events: a batch over the limit", "POST", e, "application/json", "[" + IntStream.range(0, 1001)
                .mapToObj(i -> "{'campaign':" + campaign + ",'member':'table-1','type':'opened'}").collect(Collectors.joining(","))
                + "]", 400, "push.tracking.events-batch-limit"));
        t.add(new Bad("events: a member not in the campaign", "POST", e, "application/json",
                "[{'campaign':" + campaign + ",'member':'stranger-9','type':'opened'}]", 400, "events[0].member"));
        t.add(new Bad("events: an unknown campaign", "POST", e, "application/json",
                "[{'campaign':" + (campaign + 100_000) + ",'member':'table-1','type':'opened'}]", 400, "does not exist"));
        t.add(new Bad("events: a truncated token", "POST", e, "application/json",
                "[{'token':'" + token.substring(0, 10) + "','type':'opened'}]", 400, "events[0].token"));
        t.add(new Bad("events: a re-signed token", "POST", e, "application/json",
                "[{'token':'" + resigned + "','type':'opened'}]", 400, "events[0].token"));
        t.add(new Bad("events: a token from another campaign", "POST", e, "application/json",
                "[{'campaign':" + campaign + ",'token':'" + otherCampaign + "','type':'opened'}]", 400, "is from another campaign"));
        t.add(new Bad("events: an unknown type", "POST", e, "application/json",
                "[{'campaign':" + campaign + ",'member':'table-1','type':'liked'}]", 400, "events[0].type"));
        t.add(new Bad("events: clicks reported", "POST", e, "application/json",
                "[{'campaign':" + campaign + ",'member':'table-1','type':'clicked'}]", 400, "counted by the tracked link"));
        t.add(new Bad("events: a time in the future", "POST", e, "application/json",
                "[{'campaign':" + campaign + ",'member':'table-1','type':'opened','at':'2999-01-01T00:00:00Z'}]", 400, "events[0].at"));
        // Triggered sends (issue 17): each refused before anything is reserved or pushed.
        String s = "/api/sends";
        String sendKey = "table-" + System.nanoTime();
        io.restassured.RestAssured.given().contentType("application/json").header("Idempotency-Key", sendKey)
                .body(json("{'members':['table-1'],'channel':'log','message':{'title':'first'}}")).post(s).then().statusCode(202);
        Map<String, String> key = Map.of("Idempotency-Key", "table-{i}-" + System.nanoTime());
        String okSend = "'channel':'log','message':{'title':'t'}";
        String thousandAndOne = IntStream.range(0, 1001).mapToObj(i -> "'m" + i + "'").collect(Collectors.joining(","));
        t.add(new Bad("sends: no Idempotency-Key", "POST", s, "application/json", "{'members':['table-1']," + okSend + "}", 400, "Idempotency-Key"));
        t.add(new Bad("sends: an Idempotency-Key of 201 characters", "POST", s, "application/json", "{'members':['table-1']," + okSend + "}", 400, "Idempotency-Key",
                Map.of("Idempotency-Key", "k".repeat(201)), 1));
        t.add(new Bad("sends: a reused Idempotency-Key with another body", "POST", s, "application/json",
                "{'members':['table-1'],'channel':'log','message':{'title':'second'}}", 422, "Idempotency-Key", Map.of("Idempotency-Key", sendKey), 1));
        t.add(new Bad("sends: no members", "POST", s, "application/json", "{'members':[]," + okSend + "}", 400, "members", key, 1));
        t.add(new Bad("sends: 1,001 members", "POST", s, "application/json", "{'members':[" + thousandAndOne + "]," + okSend + "}", 400, "more than 1000", key, 1));
        t.add(new Bad("sends: a member id with spaces", "POST", s, "application/json", "{'members':['ok','not ok']," + okSend + "}", 400, "members[1]", key, 1));
        t.add(new Bad("sends: a member twice", "POST", s, "application/json", "{'members':['a1','a1']," + okSend + "}", 400, "given twice", key, 1));
        t.add(new Bad("sends: an unknown channel", "POST", s, "application/json", "{'members':['a1'],'channel':'pigeon','message':{'title':'t'}}", 400, "channel", key, 1));
        t.add(new Bad("sends: no message", "POST", s, "application/json", "{'members':['a1'],'channel':'log'}", 400, "message", key, 1));
        t.add(new Bad("sends: a message without title or body", "POST", s, "application/json", "{'members':['a1'],'channel':'log','message':{'link':'https://x.org'}}", 400, "message", key, 1));
        t.add(new Bad("sends: a title that is no template", "POST", s, "application/json", "{'members':['a1'],'channel':'log','message':{'title':'{member.x'}}", 400, "message.title", key, 1));
        t.add(new Bad("sends: a tracked link", "POST", s, "application/json", "{'members':['a1'],'channel':'log','message':{'title':'t','link':'https://x.org','tracking':true}}", 400, "message.tracking", key, 1));
        t.add(new Bad("sends: a category with spaces", "POST", s, "application/json", "{'members':['a1']," + okSend + ",'category':'my category'}", 400, "category", key, 1));
        t.add(new Bad("sends: an unknown category", "POST", s, "application/json", "{'members':['a1']," + okSend + ",'category':'sales'}", 400, "category", key, 1));
        t.add(new Bad("sends: an oversize body", "POST", s, "application/json", "{'members':['a1'],'channel':'log','message':{'title':'t','body':'" + big + "'}}", 413, LIMIT, key, 1));
        t.add(new Bad("sends: an unknown send", "GET", s + "/987654321", null, null, 404, "987654321"));
        // Saved templates (issue 17): each refused before anything is stored.
        String tp = "/api/templates";
        t.add(new Bad("templates: no name", "POST", tp, "application/json", "{'title':'t'}", 400, "name"));
        t.add(new Bad("templates: a name in capitals", "POST", tp, "application/json", "{'name':'Welcome','title':'t'}", 400, "name"));
        t.add(new Bad("templates: neither title nor body", "POST", tp, "application/json", "{'name':'table-t','link':'https://x.org'}", 400, "\"field\":\"title\""));
        t.add(new Bad("templates: a title that is no template", "POST", tp, "application/json", "{'name':'table-t','title':'{member.x'}", 400, "\"field\":\"title\""));
        t.add(new Bad("templates: a javascript: link", "POST", tp, "application/json", "{'name':'table-t','title':'t','link':'javascript:alert(1)'}", 400, "\"field\":\"link\""));
        t.add(new Bad("templates: a locale that is no tag", "POST", tp, "application/json", "{'name':'table-t','title':'t','locales':{'f':{'title':'x'}}}", 400, "locales.f"));
        t.add(new Bad("templates: one locale twice", "POST", tp, "application/json", "{'name':'table-t','title':'t','locales':{'fr-CA':{'title':'x'},'FR-ca':{'title':'y'}}}", 400, "locales.FR-ca"));
        t.add(new Bad("templates: a locale that gives nothing", "POST", tp, "application/json", "{'name':'table-t','title':'t','locales':{'fr':{}}}", 400, "locales.fr"));
        t.add(new Bad("templates: a locale's title that is no template", "POST", tp, "application/json", "{'name':'table-t','title':'t','locales':{'fr':{'title':'{#for}'}}}", 400, "locales.fr.title"));
        t.add(new Bad("templates: renamed by PUT", "PUT", tp + "/table-t", "application/json", "{'name':'table-u','title':'t'}", 400, "\"field\":\"name\""));
        t.add(new Bad("templates: PUT to an unknown template", "PUT", tp + "/table-none", "application/json", "{'name':'table-none','title':'t'}", 404, "table-none"));
        t.add(new Bad("templates: an unknown template", "GET", tp + "/table-none", null, null, 404, "table-none"));
        t.add(new Bad("sends: a message and a template", "POST", s, "application/json", "{'members':['a1'],'channel':'log','message':{'title':'t'},'template':'table-none'}", 400, "\"field\":\"template\"", key, 1));
        t.add(new Bad("sends: an unknown template", "POST", s, "application/json", "{'members':['a1'],'channel':'log','template':'table-none'}", 400, "no template named", key, 1));
        t.add(new Bad("campaigns: neither message nor template", "POST", c, "application/json", "{'name':'x','audienceId':" + audience + ",'channel':'log'}", 400, "\"field\":\"message\""));
        t.add(new Bad("campaigns: an unknown template", "POST", c, "application/json", "{'name':'x','audienceId':" + audience + ",'channel':'log','template':'table-none'}", 400, "no template named"));
        t.add(new Bad("campaigns: an A/B campaign from a template", "POST", c, "application/json", "{'name':'x','audienceId':" + audience
                + ",'channel':'log','template':'table-none','variants':[{'title':'a','split':50},{'title':'b','split':50}]}", 400, "\"field\":\"template\""));
        // Recurring campaigns (issue 17): the schedule is checked before anything is stored.
        String rec = c + "/" + campaign + "/recurrence";
        t.add(new Bad("recurrence: a cron that is no cron", "PUT", rec, "application/json", "{'cron':'every day','zone':'UTC'}", 400, "\"field\":\"cron\""));
        t.add(new Bad("recurrence: six cron fields", "PUT", rec, "application/json", "{'cron':'0 0 9 * * *','zone':'UTC'}", 400, "\"field\":\"cron\""));
        t.add(new Bad("recurrence: an unknown time zone", "PUT", rec, "application/json", "{'cron':'0 9 * * *','zone':'Mars/Olympus'}", 400, "\"field\":\"zone\""));
        t.add(new Bad("recurrence: no time zone", "PUT", rec, "application/json", "{'cron':'0 9 * * *'}", 400, "\"field\":\"zone\""));
        t.add(new Bad("recurrence: a missed policy that is neither run nor skip", "PUT", rec, "application/json", "{'cron':'0 9 * * *','zone':'UTC','missed':'maybe'}", 400, "\"field\":\"missed\""));
        t.add(new Bad("recurrence: a window of 0 days", "PUT", rec, "application/json", "{'cron':'0 9 * * *','zone':'UTC','skipReachedDays':0}", 400, "\"field\":\"skipReachedDays\""));
        t.add(new Bad("recurrence: a window over a year", "PUT", rec, "application/json", "{'cron':'0 9 * * *','zone':'UTC','skipReachedDays':367}", 400, "\"field\":\"skipReachedDays\""));
        t.add(new Bad("deliveries in a state spelled 'holding'", "GET", c + "/" + campaign + "/deliveries?state=holding", null, null, 400, "held"));
        t.add(new Bad("recurrence: an audience that is neither fixed nor rebuild", "PUT", rec, "application/json", "{'cron':'0 9 * * *','zone':'UTC','audience':'fresh'}", 400, "\"field\":\"audience\""));
        t.add(new Bad("recurrence: rebuilding a list audience", "PUT", rec, "application/json", "{'cron':'0 9 * * *','zone':'UTC','audience':'rebuild'}", 400, "needs a query audience"));
        t.add(new Bad("recurrence: none to read", "GET", rec, null, null, 404, "recurrence"));
        t.add(new Bad("recurrence: none to skip", "POST", rec + "/skip-next", "application/json", "{}", 404, "recurrence"));
        // Frequency caps and critical campaigns (issue 14): refused before anything is stored.
        String fc = "/api/frequency-caps";
        String day = "{'max':1,'window':'PT24H'}";
        t.add(new Bad("caps: a cap of 0", "PUT", fc, "application/json", "{'category':'promotions','limits':[{'max':0,'window':'PT24H'}]}", 400, "\"field\":\"limits[0].max\""));
        t.add(new Bad("caps: a negative cap", "PUT", fc, "application/json", "{'category':'promotions','limits':[" + day + ",{'max':-2,'window':'P7D'}]}", 400, "\"field\":\"limits[1].max\""));
        t.add(new Bad("caps: an unknown channel", "PUT", fc, "application/json", "{'category':'promotions','channel':'pigeon','limits':[" + day + "]}", 400, "\"field\":\"channel\""));
        t.add(new Bad("caps: an unknown category", "PUT", fc, "application/json", "{'category':'sales','limits':[" + day + "]}", 400, "\"field\":\"category\""));
        t.add(new Bad("caps: no limits", "PUT", fc, "application/json", "{'category':'promotions','limits':[]}", 400, "\"field\":\"limits\""));
        t.add(new Bad("caps: a window that is no duration", "PUT", fc, "application/json", "{'category':'promotions','limits':[{'max':1,'window':'daily'}]}", 400, "\"field\":\"limits[0].window\""));
        t.add(new Bad("caps: an empty window", "PUT", fc, "application/json", "{'category':'promotions','limits':[{'max':1,'window':'PT0S'}]}", 400, "\"field\":\"limits[0].window\""));
        t.add(new Bad("caps: one window twice", "PUT", fc, "application/json", "{'category':'promotions','limits':[" + day + ",{'max':2,'window':'P1D'}]}", 400, "\"field\":\"limits[1].window\""));
        t.add(new Bad("caps: removing a cap that does not exist", "DELETE", fc + "?category=account&channel=log", null, null, 404, "account:log"));
        t.add(new Bad("campaigns: critical from a non-admin", "POST", c, "application/json", "{'name':'x','audienceId':" + audience
                + ",'channel':'log'," + okMessage + ",'critical':true}", 403, "\"field\":\"critical\"",
                Map.of("Authorization", "Basic " + operator + ":" + OPERATOR_PASSWORD), 1));
        t.add(new Bad("deliveries: an unknown event filter", "GET", c + "/" + campaign + "/deliveries?with=liked", null, null, 400, "with"));
        // Failed-login limits (issue 16 §4), per user and per client address; the test profile trusts X-Forwarded-For from 127.0.0.1.
        String tooMany = "too many failed login attempts";
        String someone = "table-limit-" + System.nanoTime();
        t.add(new Bad("a 6th wrong password for one user, each from another address", "GET", "/api/me", null, null, 429, tooMany,
                Map.of("Authorization", "Basic " + someone + ":guess", "X-Forwarded-For", "198.51.100.{i}"), 6));
        t.add(new Bad("any password for a user locked by 5 failures", "GET", "/api/me", null, null, 429, tooMany,
                Map.of("Authorization", "Basic " + someone + ":another-guess", "X-Forwarded-For", "198.51.100.99"), 1));
        t.add(new Bad("a 21st failed login from one address, each for another user", "GET", "/api/me", null, null, 429, tooMany,
                Map.of("Authorization", "Basic {i}-" + someone + ":guess", "X-Forwarded-For", "198.51.100.200"), 21));
        t.add(new Bad("an API token from an address locked by 20 failures", "GET", "/api/me", null, null, 429, tooMany,
                Map.of("Authorization", "Bearer push_not-checked-while-locked", "X-Forwarded-For", "198.51.100.200"), 1));
        // A member's devices (issue 15): refused before anything is stored; table-devices has the most allowed.
        String dv = "/api/members/table-dev-new/devices/";
        t.add(new Bad("devices: an unknown channel", "PUT", dv + "p", j, "{'channel':'pigeon','token':'t'}", 400, "\"field\":\"channel\""));
        t.add(new Bad("devices: a webpush subscription without keys", "PUT", dv + "w", j,
                "{'channel':'webpush','subscription':{'endpoint':'https://push.example.net/s/1'}}", 400, "\"field\":\"subscription.keys\""));
        t.add(new Bad("devices: a webpush subscription with a short auth key", "PUT", dv + "w", j,
                "{'channel':'webpush','subscription':{'endpoint':'https://push.example.net/s/1','keys':{'p256dh':'B" + "A".repeat(86)
                        + "','auth':'AAAA'}}}", 400, "\"field\":\"subscription.keys.auth\""));
        t.add(new Bad("devices: an fcm device without a token", "PUT", dv + "p", j, "{'channel':'fcm','app':'shop'}", 400, "\"field\":\"token\""));
        t.add(new Bad("devices: an unknown field", "PUT", dv + "p", j, "{'channel':'fcm','token':'t','os':'android'}", 400, "\"field\":\"os\""));
        t.add(new Bad("devices: a device id with spaces", "PUT", dv + "my%20phone", j, "{'channel':'fcm','token':'t'}", 400, "\"field\":\"deviceId\""));
        t.add(new Bad("devices: one over the member's limit of 20", "PUT", "/api/members/table-devices/devices/d21", j,
                "{'channel':'fcm','token':'t21'}", 400, "\"field\":\"devices\""));
        t.add(new Bad("campaigns: a blank device platform", "POST", c, j, "{" + okCampaign + ",'devices':{'platform':' '}}", 400, "\"field\":\"devices.platform\""));
        t.add(new Bad("devices: removing an unknown device", "DELETE", "/api/members/table-devices/devices/none", null, null, 404, "none"));
        return t;
    }

    long total(String kinds) {
        return given().get("/api/" + kinds).then().statusCode(200).extract().jsonPath().getLong("total");
    }

    @Test
    void everyBadInputIsRefusedWithAProblemThatNamesItAndChangesNothing() {
        long audience = Api.idsAudience(List.of("table-1", "table-2"));
        for (int i = 1; i <= 20; i++) {
            given().contentType("application/json").body(Map.of("channel", "fcm", "token", "t" + i))
                    .put("/api/members/table-devices/devices/d" + i).then().statusCode(201);
        }
        long campaign = Api.campaign(audience, "log", 1, 0, 10, 10);
        long audiences = total("audiences");
        long campaigns = total("campaigns");
        List<Object> channels = given().get("/api/channels").then().statusCode(200).extract().jsonPath().getList("name");
        List<Object> templates = given().get("/api/templates").then().statusCode(200).extract().jsonPath().getList("name");
        Map<String, Object> audienceBefore = given().get("/api/audiences/" + audience).then().extract().jsonPath().getMap("");
        Map<String, Object> campaignBefore = given().get("/api/campaigns/" + campaign).then().extract().jsonPath().getMap("");
        given().contentType("application/json").body(Map.of("name", operator, "password", OPERATOR_PASSWORD,
                "roles", List.of("operator"))).post("/api/users").then().statusCode(201);
        Object caps = given().get("/api/frequency-caps").then().statusCode(200).extract().jsonPath().getList("");
        List<Bad> table = table(audience, campaign);
        assertTrue(table.size() >= 40, "at least 40 bad inputs");
        List<String> wrong = new ArrayList<>();
        for (Bad bad : table) {
            Response r = null;
            for (int i = 1; i <= bad.tries(); i++) {
                var request = bad.headers().containsKey("Authorization") ? given().auth().none() : given();
                for (Map.Entry<String, String> h : bad.headers().entrySet()) {
                    request = request.header(h.getKey(), header(h.getValue(), i));
                }
                if (bad.contentType() != null) {
                    request = request.contentType(bad.contentType()).body(json(bad.body()));
                }
                r = request.request(bad.method(), bad.path());
            }
            String body = r.asString();
            boolean problem = r.contentType() != null && r.contentType().startsWith("application/problem+json");
            if (r.statusCode() != bad.status() || !problem || !body.contains(bad.mentions())) {
                wrong.add(bad.why() + ": " + r.statusCode() + " " + r.contentType() + " "
                        + body.substring(0, Math.min(200, body.length())));
            }
        }
        assertEquals(List.of(), wrong);
        assertEquals(audiences, total("audiences"), "no audience created");
        assertEquals(20, given().get("/api/members/table-devices/devices").then().extract().jsonPath().getList("$").size(),
                "the member at the limit kept its 20 devices");
        given().get("/api/members/table-dev-new").then().statusCode(404);
        assertEquals(campaigns, total("campaigns"), "no campaign created");
        assertEquals(channels, given().get("/api/channels").then().extract().jsonPath().getList("name"), "no channel created");
        assertEquals(templates, given().get("/api/templates").then().extract().jsonPath().getList("name"), "no template created");
        assertEquals(caps, given().get("/api/frequency-caps").then().extract().jsonPath().getList(""), "no frequency cap stored or removed");
        assertEquals(audienceBefore, given().get("/api/audiences/" + audience).then().extract().jsonPath().getMap(""),
                "the audience the op call named is unchanged");
        Map<String, Object> campaignAfter = given().get("/api/campaigns/" + campaign).then().extract().jsonPath().getMap("");
        assertEquals(campaignBefore.get("state"), campaignAfter.get("state"));
        assertEquals(campaignBefore.get("workers"), campaignAfter.get("workers"));
        assertEquals(campaignBefore.get("history"), campaignAfter.get("history"));
        assertEquals(List.of(0, 0, 0, 0, 0), given().get("/api/campaigns/" + campaign + "/funnel").then().extract()
                .jsonPath().getList("stages.members"), "no event recorded");
    }
}
