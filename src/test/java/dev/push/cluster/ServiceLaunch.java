package dev.push.cluster;

import dev.push.engine.WorkerThreads;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * How the fault tests and the bench start the service, as the README's command and the images do
 * ({@code ManifestTest} holds those to {@link #JVM_OPTIONS}): with the options that let workers yield to triggered
 * sends ({@link WorkerThreads}), and without the privilege to raise a thread's priority, as the images run (user 185).
 * Run by root, the JVM would also raise its own compiler and GC threads (nice -4) and could undo a priority a thread
 * inherited.
 */
public final class ServiceLaunch {
    public static final List<String> JVM_OPTIONS = List.of(WorkerThreads.JVM_OPTIONS.split(" "));
    private static final Path SETPRIV = Path.of("/usr/bin/setpriv");

    private ServiceLaunch() {
    }

    /** The command up to the service's own options: {@code java} and {@link #JVM_OPTIONS}, unprivileged. */
    public static List<String> java(String java) {
        List<String> cmd = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name")) && Files.isExecutable(SETPRIV)) {
            cmd.addAll(List.of(SETPRIV.toString(), "--bounding-set=-sys_nice"));
        }
        cmd.add(java);
        cmd.addAll(JVM_OPTIONS);
        return cmd;
    }
}
