package dev.push.engine;

/** Local workers of tasks that no longer run (paused, stopped, finished, failed) stop. */
final class OrphanWorkers implements TickStep {
    private final LocalWorkers workers;

    OrphanWorkers(LocalWorkers workers) {
        this.workers = workers;
    }

    @Override
    public void run(Tick tick) {
        for (Worker w : workers.all()) {
            if (!tick.running.contains(w.taskId)) {
                w.requestStop();
            }
        }
    }
}
