package dev.push.embedded;

import org.h2.mvstore.MVStore;
import org.jboss.logging.Logger;

/**
 * Makes acknowledged writes durable: a writer that asked for a journaled write waits here until the H2
 * store has committed everything written so far and forced its file to disk. One thread of its own
 * does the commits, one for all writers waiting at that moment (a group commit), so the cost is one
 * commit and one {@code fsync} per group however many writes it covers.
 * <p>
 * Why a thread of its own: H2 writes its file through an interruptible {@code FileChannel}, which closes
 * (and panics the store) when the thread using it is interrupted; this thread is never interrupted,
 * the waiting writers may be. Why the file-store operation after the commit: H2's background writer
 * commits asynchronously, so a commit of ours can find nothing left to commit while the background
 * writer's chunk is still queued for writing; flushing the store's write queues first makes the
 * {@code fsync} cover it.
 */
final class GroupCommit implements AutoCloseable {
    private static final Logger log = Logger.getLogger(GroupCommit.class);

    private final MVStore store;
    private final Thread thread;
    /** Tickets handed out; every write finished before ticket n was handed out is covered by the round serving n. */
    private long requested;
    /** Tickets answered by a completed round, successful or not. */
    private long served;
    /** Tickets covered by a successful commit and sync. */
    private long durable;
    private RuntimeException failure;
    private boolean closed;
    private long rounds;

    GroupCommit(MVStore store) {
        this.store = store;
        this.thread = new Thread(this::run, "push-group-commit");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Returns once everything this thread (and any other) wrote before the call is on disk.
     *
     * @throws IllegalStateException when the store could not commit or sync (it is closed or panicked),
     *         or the wait was interrupted: the write may be lost at a crash.
     */
    void awaitDurable() {
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("the embedded database is closing");
            }
            long ticket = ++requested;
            notifyAll();
            try {
                while (served < ticket) {
                    wait();
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the embedded database to sync");
            }
            if (durable < ticket) {
                throw new IllegalStateException("the embedded database could not sync: " + failure.getMessage(), failure);
            }
        }
    }

    /** Commit-and-sync rounds so far (each one served every writer waiting when it began). */
    synchronized long rounds() {
        return rounds;
    }

    private void run() {
        while (true) {
            long upTo;
            synchronized (this) {
                while (requested == served && !closed) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        // Nobody interrupts this thread on purpose; it serves until closed.
                    }
                }
                if (requested == served) {
                    return;
                }
                upTo = requested;
            }
            RuntimeException failed = null;
            try {
                store.commit();
                store.executeFilestoreOperation(() -> store.getFileStore().sync());
            } catch (RuntimeException e) {
                failed = e;
                log.errorf(e, "embedded database: commit and sync for journaled writes failed");
            }
            synchronized (this) {
                rounds++;
                served = upTo;
                if (failed == null) {
                    durable = upTo;
                } else {
                    failure = failed;
                }
                notifyAll();
            }
        }
    }

    /** Serves the writers still waiting, then stops the thread; later writers get an error. The store stays open. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join(10_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
