package dev.push.member;

/** Reads one member from one line of an import file, in one of the accepted formats. */
sealed interface MemberLines permits NdjsonMembers, CsvMembers {
    /** The member on this line, or null when the line holds none (blank); throws RejectedLine with the reason. */
    Member read(String line);
}
