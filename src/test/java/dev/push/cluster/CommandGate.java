package dev.push.cluster;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A loopback link between one service process and the database (the process's connection string names it), which
 * forwards the MongoDB wire protocol both ways and, once armed ({@link #holdAfter}, {@link #holdAt}), stops forwarding
 * the process's requests at a given point of a sequence of commands: the process is then stuck at a known point of its
 * protocol — every later request of every one of its connections waits — with everything before that point written,
 * and the test kills it (or the database) there. Nothing in the service knows about it: the network between
 * two real processes is what the test steers, so a window of a few milliseconds between two writes is hit every time.
 * Commands are told apart by the first element of an {@code OP_MSG} body ({@code {insert: "occurrences", ...}});
 * the driver's requests are not compressed unless told to be, and anything else is forwarded unread.
 */
final class CommandGate implements AutoCloseable {
    /** A command as the first element of its body names it: {@code insert} on {@code occurrences}. */
    record Command(String name, String collection) {
    }

    private static final int OP_MSG = 2013;

    private final int databasePort;
    private final ServerSocket server;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private List<Command> sequence = List.of();
    /** Whether the sequence's last command is itself held (it arrived: the one before it was answered). */
    private boolean atLast;
    private int seen;
    private boolean holding;
    private CountDownLatch held = new CountDownLatch(1);
    private CountDownLatch released = new CountDownLatch(1);

    CommandGate(int databasePort) throws IOException {
        this.databasePort = databasePort;
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread accept = new Thread(this::accept, "gate-accept");
        accept.setDaemon(true);
        accept.start();
    }

    /** The connection string of a process that talks to the database through this link. */
    String uri() {
        return "mongodb://127.0.0.1:" + server.getLocalPort();
    }

    /**
     * From now on, once the process's requests have included {@code commands} in this order (others in between), every
     * later request waits; {@link #awaitHeld} returns then.
     */
    void holdAfter(Command... commands) {
        arm(false, commands);
    }

    /**
     * From now on, once the process's requests have included every command but the last of {@code commands} in this
     * order, the last one, when it comes, waits with every later request: the process sent it, so it had the answers
     * to the ones before it.
     */
    void holdAt(Command... commands) {
        arm(true, commands);
    }

    private synchronized void arm(boolean last, Command... commands) {
        sequence = List.of(commands);
        atLast = last;
        seen = 0;
        holding = false;
        held = new CountDownLatch(1);
        released = new CountDownLatch(1);
    }

    /** Whether the process's requests are held now (the sequence was forwarded), waiting at most {@code within}. */
    boolean awaitHeld(Duration within) throws InterruptedException {
        CountDownLatch h;
        synchronized (this) {
            h = held;
        }
        return h.await(within.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Drops the held requests and every connection of the link, as a network that failed would: the process sees its
     * requests fail and connects again; nothing is held any more.
     */
    void release() {
        synchronized (this) {
            sequence = List.of();
            holding = false;
            released.countDown();
        }
        sockets.forEach(CommandGate::closeQuietly);
    }

    /**
     * As {@link #release}, and armed again at once as {@link #holdAfter} arms it: the process's next requests are
     * watched from the first, none passes between the release and the arming.
     */
    void releaseAndHoldAfter(Command... commands) {
        synchronized (this) {
            released.countDown();
            arm(false, commands);
        }
        sockets.forEach(CommandGate::closeQuietly);
    }

    @Override
    public void close() {
        release();
        closeQuietly(server);
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket database;
                try {
                    database = new Socket(InetAddress.getLoopbackAddress(), databasePort);
                } catch (IOException e) {
                    closeQuietly(client); // the database is down: so is this connection, as it would be without the link
                    continue;
                }
                client.setTcpNoDelay(true);
                database.setTcpNoDelay(true);
                sockets.add(client);
                sockets.add(database);
                start("gate-requests", () -> requests(client, database));
                start("gate-replies", () -> replies(database, client));
            } catch (IOException e) {
                // The link closed.
            }
        }
    }

    /** The process's requests, message by message, each read whole before it is looked at and forwarded or held. */
    private void requests(Socket client, Socket database) {
        try (DataInputStream in = new DataInputStream(client.getInputStream()); OutputStream out = database.getOutputStream()) {
            byte[] header = new byte[16];
            while (true) {
                in.readFully(header);
                int length = ByteBuffer.wrap(header).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
                byte[] message = new byte[length];
                System.arraycopy(header, 0, message, 0, 16);
                in.readFully(message, 16, length - 16);
                Command command = command(message);
                if (!passes(command)) {
                    return;
                }
                out.write(message);
                out.flush();
                forwarded(command);
            }
        } catch (IOException | InterruptedException e) {
            // Either side closed: so does the other, below.
        } finally {
            closeQuietly(client);
            closeQuietly(database);
        }
    }

    private void replies(Socket database, Socket client) {
        try (InputStream in = database.getInputStream(); OutputStream out = client.getOutputStream()) {
            in.transferTo(out);
        } catch (IOException e) {
            // Either side closed: so does the other, below.
        } finally {
            closeQuietly(client);
            closeQuietly(database);
        }
    }

    /** False once the held request was dropped ({@link #release}); waits while held. */
    private boolean passes(Command command) throws InterruptedException {
        CountDownLatch r;
        synchronized (this) {
            if (!holding && atLast && seen == sequence.size() - 1 && sequence.get(seen).equals(command)) {
                holding = true;
                held.countDown();
            }
            if (!holding) {
                return true;
            }
            r = released;
        }
        r.await();
        return false;
    }

    private synchronized void forwarded(Command command) {
        if (holding || seen >= sequence.size() - (atLast ? 1 : 0) || command == null) {
            return;
        }
        if (sequence.get(seen).equals(command) && ++seen == sequence.size()) {
            holding = true;
            held.countDown();
        }
    }

    /** The command an {@code OP_MSG} request carries, from its body's first element; null for anything else. */
    static Command command(byte[] message) {
        ByteBuffer b = ByteBuffer.wrap(message).order(ByteOrder.LITTLE_ENDIAN);
        if (message.length < 30 || b.getInt(12) != OP_MSG || message[20] != 0) {
            return null;
        }
        int at = 25; // header 16, flag bits 4, section kind 1, body length 4
        if (message[at] != 0x02) { // the first element's value is not a string: not a command on a collection
            return null;
        }
        int nameEnd = at + 1;
        while (message[nameEnd] != 0) {
            nameEnd++;
        }
        String name = new String(message, at + 1, nameEnd - at - 1, StandardCharsets.UTF_8);
        int valueLength = b.getInt(nameEnd + 1);
        String collection = new String(message, nameEnd + 5, valueLength - 1, StandardCharsets.UTF_8);
        return new Command(name, collection);
    }

    private static void start(String name, Runnable pump) {
        Thread t = new Thread(pump, name);
        t.setDaemon(true);
        t.start();
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            c.close();
        } catch (Exception e) {
            // Closing what is already closed.
        }
    }
}
