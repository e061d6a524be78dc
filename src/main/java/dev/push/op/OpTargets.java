package dev.push.op;

import com.fasterxml.jackson.databind.JsonNode;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import dev.push.api.ApiException;
import dev.push.audience.ListedMemberRemoval;
import dev.push.audience.ShardMembers;
import dev.push.campaign.Campaigns;
import dev.push.member.Shards;
import dev.push.task.Task;
import dev.push.task.TaskState;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Targets: the members of a constraint, each with its state in every project of that
 * constraint. A constraint's targets are its built members once it has been built, before that
 * the ids listed for it (so a list can be corrected before the build); a query or combination
 * has targets only once built. They are walked in the audience's own order (shard by shard).
 */
@ApplicationScoped
public class OpTargets {
    static final String NAME = "target";

    @Inject
    OpControl control;

    @Inject
    ShardMembers members;

    @Inject
    ListedMemberRemoval removal;

    @Inject
    Campaigns campaigns;


    /**
     * A member's delivery in one project, numbered on op's state table so the console's labels
     * fit: not pushed yet → 1 ready, sent → 4 finished, failed → 5 failed, skipped (no address on
     * the channel, never pushed) → 3 stopped, unknown (its worker died between claim and record;
     * never re-sent automatically) → 6 reboot.
     */
    static int stateOf(String delivery) {
        return switch (delivery) {
            case "sent" -> TaskState.FINISHED.opNumber;
            case "failed" -> TaskState.FAILED.opNumber;
            case "skipped" -> TaskState.STOPPED.opNumber;
            case "unknown" -> TaskState.REBOOT.opNumber;
            default -> TaskState.READY.opNumber;
        };
    }

    /** The member id string of a positive 64-bit integer given as text, or null when it is none. */
    static String canonicalMid(String text) {
        if (text == null || !text.matches("[0-9]{1,19}")) {
            return null;
        }
        try {
            long v = Long.parseLong(text);
            return v > 0 ? Long.toString(v) : null;
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** A member id as op shows it: a number; ids that are not numbers (made through /api) stay strings. */
    static Object mid(String memberId) {
        String canonical = canonicalMid(memberId);
        return canonical != null && canonical.equals(memberId) ? (Object) Long.parseLong(memberId) : memberId;
    }

    public Map<String, Object> get(OpRequest req) {
        Task c = control.find(OpConstraints.NAME, Task.AUDIENCE, req.id("cid"));
        String member = Long.toString(req.id("mid"));
        if (!shardMembers(c, Shards.of(member, c.shards)).contains(member)) {
            throw new OpRefusal("mid " + member + " is not a target of constraint " + c.id);
        }
        return Map.of(NAME, target(c, member, projectsOf(c.id)));
    }

    public Map<String, Object> listByCid(OpRequest req) {
        Task c = control.find(OpConstraints.NAME, Task.AUDIENCE, req.id("cid"));
        int offset = req.offset();
        int limit = req.limit();
        List<Object> list = new ArrayList<>();
        collect(c, offset, limit, list);
        return OpConstraints.page(list, offset, count(c));
    }

    /** Every constraint's targets, newest constraint first. */
    public Map<String, Object> list(OpRequest req) {
        int offset = req.offset();
        int limit = req.limit();
        List<Object> list = new ArrayList<>();
        long skip = offset;
        long total = 0;
        for (Task c : Task.<Task>mongoCollection().find(Filters.eq("kind", Task.AUDIENCE)).sort(Sorts.descending("_id"))) {
            long n = count(c);
            total += n;
            if (list.size() >= limit || n == 0) {
                continue;
            }
            if (skip >= n) {
                skip -= n;
                continue;
            }
            collect(c, skip, limit, list);
            skip = 0;
        }
        return OpConstraints.page(list, offset, total);
    }

    /**
     * Removes a member from a constraint, as {@link ListedMemberRemoval} allows it; its refusals
     * in op's words.
     */
    public Map<String, Object> delete(OpRequest req) {
        JsonNode idNode = req.node("id");
        String id = idNode == null || !idNode.isValueNode() ? null : idNode.asText();
        int colon = id == null ? -1 : id.indexOf(':');
        String cidText = colon < 0 ? null : canonicalMid(id.substring(0, colon));
        if (cidText == null || colon == id.length() - 1) {
            throw new OpRefusal("id: is required, a target id \"cid:mid\" as /target/get answers it");
        }
        Task c = control.find(OpConstraints.NAME, Task.AUDIENCE, Long.parseLong(cidText));
        String member = id.substring(colon + 1);
        List<Task> projects = projectsOf(c.id);
        ListedMemberRemoval.Outcome outcome = removal.remove(c, member, "target " + member + " deleted by op");
        if (outcome instanceof ListedMemberRemoval.NotListed) {
            throw new OpRefusal("target " + id + " does not exist");
        } else if (outcome instanceof ListedMemberRemoval.Running r) {
            throw new OpRefusal("constraint " + c.id + " is " + OpControl.describe(r.state())
                    + ": its targets cannot change while it runs");
        } else if (outcome instanceof ListedMemberRemoval.CampaignStarted p) {
            throw new OpRefusal("constraint " + c.id + " is used by project " + p.campaignId()
                    + ", which has started: its targets are fixed");
        } else if (outcome instanceof ListedMemberRemoval.SelectedByRule rule) {
            throw new OpRefusal("constraint " + c.id + " selects members by " + rule.kind()
                    + ": a deleted target would come back with its next build");
        } else if (outcome instanceof ListedMemberRemoval.BuildUnfinished b) {
            throw new OpRefusal("constraint " + c.id + " is " + OpControl.describe(b.state())
                    + " after a build that did not finish: start it and let it finish first");
        } else if (outcome instanceof ListedMemberRemoval.Changed) {
            throw new OpRefusal("constraint " + c.id + " changed meanwhile; try again");
        }
        // No project of it has started: every project shows the member ready (1).
        return Map.of(NAME, target(c, member, projects));
    }

    private void collect(Task c, long skip, int limit, List<Object> out) {
        List<Task> projects = projectsOf(c.id);
        for (int s = 0; s < c.shards && out.size() < limit; s++) {
            List<String> members = shardMembers(c, s);
            if (skip >= members.size()) {
                skip -= members.size();
                continue;
            }
            for (int i = (int) skip; i < members.size() && out.size() < limit; i++) {
                out.add(target(c, members.get(i), projects));
            }
            skip = 0;
        }
    }

    /** How many targets a constraint has; a finished build has counted them already. */
    long count(Task c) {
        if (c.layout != null && c.taskState() == TaskState.FINISHED) {
            return c.progress.sent;
        }
        if (c.layout == null && c.staged == null) {
            return 0;
        }
        long n = 0;
        for (int s = 0; s < c.shards; s++) {
            n += shardMembers(c, s).size();
        }
        return n;
    }

    private List<String> shardMembers(Task c, int shard) {
        return members.of(c, shard);
    }

    private static List<Task> projectsOf(long cid) {
        return Task.<Task>mongoCollection().find(Filters.and(Filters.eq("kind", Task.CAMPAIGN),
                Filters.eq("audienceId", cid))).sort(Sorts.ascending("_id")).into(new ArrayList<>());
    }

    private Map<String, Object> target(Task c, String member, List<Task> projects) {
        Map<String, Integer> pids = new LinkedHashMap<>();
        for (Task p : projects) {
            pids.put(Long.toString(p.id), c.layout == null || p.run == 0 ? TaskState.READY.opNumber : deliveryState(p, member));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("id", c.id + ":" + member);
        out.put("cid", c.id);
        out.put("mid", mid(member));
        out.put("pids", pids);
        return out;
    }

    private int deliveryState(Task project, String member) {
        try {
            return stateOf(campaigns.delivery(project.id, member).state());
        } catch (ApiException e) {
            return TaskState.READY.opNumber;
        }
    }
}
