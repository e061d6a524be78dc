package dev.push.engine;

/** One rule the master enforces at every tick, in the order {@link Master} lists them. */
interface TickStep {
    void run(Tick tick);
}
