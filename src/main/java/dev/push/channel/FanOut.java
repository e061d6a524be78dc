package dev.push.channel;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;

/** Sends to each recipient of a sub-batch, at most {@code concurrency} at once, answering the outcomes in order. */
public final class FanOut {
    private FanOut() {
    }

    public static Uni<List<Outcome>> each(List<Delivery.Recipient> recipients, int concurrency,
                                          Function<Delivery.Recipient, Uni<Outcome>> sendOne) {
        Outcome[] outcomes = new Outcome[recipients.size()];
        return Multi.createFrom().range(0, recipients.size())
                .onItem().transformToUni(i -> sendOne.apply(recipients.get(i)).invoke(o -> outcomes[i] = o))
                .merge(concurrency)
                .collect().last()
                .map(x -> Arrays.asList(outcomes));
    }
}
