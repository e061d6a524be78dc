package dev.push.channel.http;

import java.net.InetAddress;
import java.net.UnknownHostException;

/** An address range in CIDR notation ({@code 169.254.0.0/16}, {@code fe80::/10}), IPv4 or IPv6. */
record AddressRange(byte[] network, int prefix, String text) {

    /** Parses a CIDR of IP literals only (never a name: parsing must not resolve anything). */
    static AddressRange parse(String cidr) {
        String s = cidr.trim();
        int slash = s.indexOf('/');
        String ip = slash < 0 ? s : s.substring(0, slash);
        if (!ip.matches("\\d{1,3}(\\.\\d{1,3}){3}") && !ip.matches("[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
            throw new IllegalArgumentException(cidr + " is not an address range (e.g. 127.0.0.0/8 or ::1/128)");
        }
        byte[] bytes;
        try {
            bytes = InetAddress.getByName(ip).getAddress();
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(cidr + " is not an address range (e.g. 127.0.0.0/8 or ::1/128)");
        }
        int prefix;
        try {
            prefix = slash < 0 ? bytes.length * 8 : Integer.parseInt(s.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(cidr + " has no prefix length after the /");
        }
        if (prefix < 0 || prefix > bytes.length * 8) {
            throw new IllegalArgumentException(cidr + ": the prefix length must be 0 to " + bytes.length * 8);
        }
        return new AddressRange(bytes, prefix, s);
    }

    boolean contains(InetAddress address) {
        byte[] a = address.getAddress();
        if (a.length != network.length) {
            return false;
        }
        int full = prefix / 8;
        for (int i = 0; i < full; i++) {
            if (a[i] != network[i]) {
                return false;
            }
        }
        int rest = prefix % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (a[full] & mask) == (network[full] & mask);
    }
}
