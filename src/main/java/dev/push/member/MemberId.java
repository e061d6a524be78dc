package dev.push.member;

import java.util.regex.Pattern;

/** The rule for member ids: 1 to 128 characters from {@code [A-Za-z0-9_.:@+-]}; numeric ids are such strings too. */
public final class MemberId {
    public static final int MAX_LENGTH = 128;
    public static final String RULE = "must be 1 to 128 characters from [A-Za-z0-9_.:@+-]";
    private static final Pattern SHAPE = Pattern.compile("[A-Za-z0-9_.:@+-]{1,128}");

    private MemberId() {
    }

    public static boolean isValid(String id) {
        return id != null && id.length() <= MAX_LENGTH && SHAPE.matcher(id).matches();
    }
}
