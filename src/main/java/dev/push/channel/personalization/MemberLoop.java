package dev.push.channel.personalization;

import io.quarkus.qute.Expression;
import io.quarkus.qute.LoopSectionHelper;
import io.quarkus.qute.MultiResultNode;
import io.quarkus.qute.ResolutionContext;
import io.quarkus.qute.ResultNode;
import io.quarkus.qute.Results;
import io.quarkus.qute.Scope;
import io.quarkus.qute.SectionBlock;
import io.quarkus.qute.SectionHelper;
import io.quarkus.qute.SectionHelperFactory;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

/**
 * {@code {#for item in member.attributes.items}…{/for}} (and {@code {#each}}) over member data
 * only: a list, a map or an array. Qute's own loop also counts up to a number, and allocates for
 * that number before its first step, so {@code {#for i in 1000000000}} alone filled the heap; here
 * a number is refused, and every item visited is paid from the render's {@link Budget}.
 * Iteration metadata as in Qute: {@code item_count}, {@code item_index}, {@code item_hasNext},
 * {@code item_isFirst}, {@code item_isLast}.
 */
final class MemberLoop implements SectionHelper {
    private final String alias;
    private final Expression iterable;
    private final SectionBlock elseBlock;

    private MemberLoop(SectionHelperFactory.SectionInitContext context) {
        this.alias = context.getParameterOrDefault("alias", "it");
        this.iterable = context.getExpression("iterable");
        this.elseBlock = context.getBlock("else");
        if (iterable.isLiteral()) {
            throw context.createParserError("a loop goes over member data, not over " + iterable.toOriginalString());
        }
    }

    /** Loop items one render may still visit, over all its loops; set on each render as an attribute. */
    static final class Budget {
        static final String ATTRIBUTE = "push.loop-budget";
        private final int limit;
        private int left;

        Budget(int limit) {
            this.limit = limit;
            this.left = limit;
        }

        void spend(int items) {
            left -= items;
            if (left < 0) {
                throw new MessageRefused(null, "visits more than " + limit + " loop items (push.message.loop-items)");
            }
        }
    }

    @Override
    public CompletionStage<ResultNode> resolve(SectionResolutionContext context) {
        return context.resolutionContext().evaluate(iterable).thenCompose(value -> {
            List<?> items = items(value);
            if (!items.isEmpty()) {
                Object budget = context.resolutionContext().getAttribute(Budget.ATTRIBUTE);
                if (!(budget instanceof Budget b)) {
                    throw new MessageRefused(null, "loops render only within a budget");
                }
                b.spend(items.size());
            }
            if (items.isEmpty()) {
                return elseBlock == null ? ResultNode.NOOP : context.execute(elseBlock, context.resolutionContext());
            }
            List<CompletableFuture<ResultNode>> steps = new ArrayList<>(items.size());
            for (int i = 0; i < items.size(); i++) {
                ResolutionContext child = context.resolutionContext().createChild(element(items, i), null);
                steps.add(context.execute(child).toCompletableFuture());
            }
            return CompletableFuture.allOf(steps.toArray(CompletableFuture[]::new)).thenApply(done -> {
                @SuppressWarnings("unchecked")
                Supplier<ResultNode>[] parts = steps.stream().map(s -> (Supplier<ResultNode>) s::join).toArray(Supplier[]::new);
                return (ResultNode) new MultiResultNode(parts);
            });
        });
    }

    private Map<String, Object> element(List<?> items, int i) {
        Map<String, Object> e = new LinkedHashMap<>();
        e.put(alias, items.get(i));
        e.put(alias + "_count", i + 1);
        e.put(alias + "_index", i);
        e.put(alias + "_hasNext", i + 1 < items.size());
        e.put(alias + "_isFirst", i == 0);
        e.put(alias + "_isLast", i + 1 == items.size());
        return e;
    }

    private List<?> items(Object value) {
        if (value == null || Results.isNotFound(value)) {
            return List.of();
        }
        if (value instanceof List<?> list) {
            return list;
        }
        if (value instanceof Map<?, ?> map) {
            return new ArrayList<>(map.entrySet());
        }
        if (value instanceof Collection<?> c) {
            return new ArrayList<>(c);
        }
        if (value instanceof Object[] array) {
            return Arrays.asList(array);
        }
        throw new MessageRefused(null, "loops over " + iterable.toOriginalString() + ", a "
                + value.getClass().getSimpleName().toLowerCase() + ": a loop goes over a list of member data");
    }

    /** Registered for {@code for} and {@code each}; parameters and blocks as Qute's own loop. */
    static final class Factory implements SectionHelperFactory<MemberLoop> {
        private final LoopSectionHelper.Factory qute = new LoopSectionHelper.Factory();

        @Override
        public List<String> getDefaultAliases() {
            return qute.getDefaultAliases();
        }

        @Override
        public ParametersInfo getParameters() {
            return qute.getParameters();
        }

        @Override
        public List<String> getBlockLabels() {
            return qute.getBlockLabels();
        }

        @Override
        public Scope initializeBlock(Scope previousScope, BlockInfo block) {
            return qute.initializeBlock(previousScope, block);
        }

        @Override
        public MemberLoop initialize(SectionInitContext context) {
            return new MemberLoop(context);
        }
    }
}
