package dev.push.cluster;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * How a test or the bench starts the service as its images run it, as far as thread priorities go: without the
 * privilege to raise one (the images run as user 185). Run by root, the JVM would also raise its own threads
 * (compiler, GC: nice -4 with {@code -XX:ThreadPriorityPolicy=1}) and could undo a priority a thread inherited.
 */
public final class Unprivileged {
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private Unprivileged() {
    }

    /** The command that goes before {@code java}: drops {@code CAP_SYS_NICE} when run by root; nothing otherwise. */
    public static List<String> prefix() {
        if ("root".equals(System.getProperty("user.name")) && Files.isExecutable(SETPRIV)) {
            return List.of(SETPRIV.toString(), "--bounding-set=-sys_nice");
        }
        return List.of();
    }
}
