package dev.push.member;

import dev.push.api.ApiException;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MemberIdFileTest {
    private final List<String> ids = new ArrayList<>();
    private final List<String> rejected = new ArrayList<>();

    private void read(String file, boolean csv, int maxLineBytes) {
        MemberIdFile.read(new ByteArrayInputStream(file.getBytes(StandardCharsets.UTF_8)), csv, maxLineBytes,
                new MemberIdFile.Reader() {
                    @Override
                    public void id(String id) {
                        ids.add(id);
                    }

                    @Override
                    public void rejected(long line, String reason) {
                        rejected.add(line + ": " + reason);
                    }
                });
    }

    @Test
    void plainFileHasOneIdALineAndSkipsBlankLines() {
        read("\uFEFFa-1\r\n  b-2  \n\n\r\nnot ok\n" + "x".repeat(40) + "\nc-3", false, 32);

        assertEquals(List.of("a-1", "b-2", "c-3"), ids);
        assertEquals(List.of("5: member id " + MemberId.RULE, "6: line is longer than 32 bytes"), rejected);
    }

    @Test
    void csvReadsTheIdColumnOfAnyCaseAndIgnoresTheOthers() {
        read("name,\"ID\",extra\r\n\"Smith, J\",j-1,\"a \"\"b\"\"\"\nx,,y\nshort\n\"open,k-2\nz,\"k-3\"tail\n", true, 1024);

        assertEquals(List.of("j-1"), ids);
        assertEquals(List.of("5: field 1 has an unterminated quote", "6: field 2 has text after its closing quote"), rejected);
    }

    @Test
    void csvHeaderWithoutAnIdColumnRefusesTheFile() {
        ApiException e = assertThrows(ApiException.class, () -> read("\uFEFFemail,name\r\na@x.org,A\r\n", true, 1024));

        assertEquals(400, e.status);
        assertEquals("file: the CSV header has no id column", e.errors.get(0).field() + ": " + e.errors.get(0).message());
        assertEquals(List.of(), ids);
    }
}
