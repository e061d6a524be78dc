package dev.push.channel.personalization;

import io.quarkus.qute.Engine;
import io.quarkus.qute.IfSectionHelper;
import io.quarkus.qute.SectionBlock;
import io.quarkus.qute.SectionNode;
import io.quarkus.qute.SetSectionHelper;
import io.quarkus.qute.Template;
import io.quarkus.qute.TemplateNode;
import io.quarkus.qute.WhenSectionHelper;

import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import java.util.function.Consumer;

/**
 * What a message template may do, so that no template, whatever the member's data, can exhaust
 * the instance: values, defaults ({@code ?:}), conditionals ({@code #if}, {@code #when}, {@code #let})
 * and loops over member data ({@link MemberLoop}) nested at most {@link MessageLimits#loopDepth()}
 * deep; each render visits at most {@link MessageLimits#loopItems()} loop items and stops as soon
 * as its output passes the field's rendered length ({@link MessageLimits#renderedTitle()} …). No includes, no
 * {@code #eval} (a member's data would become a template), no reflection.
 */
final class TemplateBounds {
    private final MessageLimits limits;

    TemplateBounds(MessageLimits limits) {
        this.limits = limits;
    }

    /** The engine message templates are parsed with: only the sections a push message needs. */
    static Engine engine(io.quarkus.qute.ResultMapper missing) {
        return Engine.builder().addDefaultValueResolvers().strictRendering(false)
                .addSectionHelper(new IfSectionHelper.Factory())
                .addSectionHelper(new MemberLoop.Factory())
                .addSectionHelper(new SetSectionHelper.Factory())
                .addSectionHelper(new WhenSectionHelper.Factory())
                .addResultMapper(missing).build();
    }

    /** Throws {@link MessageRefused} when loops nest deeper than allowed. */
    void checkShape(String field, Template template) {
        int depth = loopDepth(template.getNodes());
        if (depth > limits.loopDepth()) {
            throw new MessageRefused(field, "nests loops " + depth + " deep, more than " + limits.loopDepth()
                    + " (push.message.loop-depth)");
        }
    }

    private static int loopDepth(List<TemplateNode> nodes) {
        int deepest = 0;
        for (TemplateNode node : nodes) {
            if (node.isSection()) {
                SectionNode section = node.asSection();
                int inner = 0;
                for (SectionBlock block : section.getBlocks()) {
                    inner = Math.max(inner, loopDepth(block.nodes));
                }
                deepest = Math.max(deepest, inner + (section.getHelper() instanceof MemberLoop ? 1 : 0));
            }
        }
        return deepest;
    }

    /** The longest {@code field} (title, body, link) may render to, and the setting that says so. */
    int maxLength(String field) {
        return switch (field) {
            case "title" -> limits.renderedTitle();
            case "body" -> limits.renderedBody();
            default -> limits.renderedLink();
        };
    }

    /**
     * Renders within the bounds; throws {@link MessageRefused} naming {@code message.<field>} when
     * the render would visit too many loop items or write more than the field's limit.
     */
    String render(String field, Template template, Map<String, Object> member) {
        int max = maxLength(field);
        StringBuilder out = new StringBuilder();
        Consumer<String> bounded = chunk -> {
            if (out.length() + chunk.length() > max) {
                throw new MessageRefused(null, "renders longer than " + max + " characters (push.message.rendered-" + field + ")");
            }
            out.append(chunk);
        };
        try {
            template.data("member", member).setAttribute(MemberLoop.Budget.ATTRIBUTE, new MemberLoop.Budget(limits.loopItems()))
                    .consume(bounded).toCompletableFuture().join();
        } catch (RuntimeException e) {
            MessageRefused refused = refusal(e);
            if (refused != null) {
                throw new MessageRefused("message." + field, refused.reason());
            }
            throw e instanceof CompletionException && e.getCause() instanceof RuntimeException r ? r : e;
        }
        return out.toString();
    }

    private static MessageRefused refusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof MessageRefused m) {
                return m;
            }
        }
        return null;
    }
}
