package ai.emu4j.core.io;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** Entry points for reading safetensors files. */
public final class SafeTensors {
    /** The reference reader's MAX_HEADER_SIZE: bounds the one heap allocation a file can request. */
    public static final long MAX_HEADER_BYTES = 100_000_000L;

    private SafeTensors() {}

    /**
     * Validates the whole header, then maps the file once, read-only. The mapping is an FFM segment,
     * so files past 2 GiB work and every access is bounds-checked; pages load on first touch.
     */
    public static SafeTensorsFile open(Path file) throws IOException {
        try (FileChannel ch = openRegular(file)) {
            SafeTensorsHeader header = readHeader(ch, sourceName(file));
            Arena arena = Arena.ofShared();
            try {
                MemorySegment mapping = ch.map(FileChannel.MapMode.READ_ONLY, 0, header.fileSize(), arena);
                return new SafeTensorsFile(file, header, arena, mapping);
            } catch (IOException | RuntimeException | Error e) {
                arena.close();
                throw e;
            }
        }
    }

    /** Reads and validates only the header: cheap (no mapping), for listing or checking shards. */
    public static SafeTensorsHeader readHeader(Path file) throws IOException {
        try (FileChannel ch = openRegular(file)) {
            return readHeader(ch, sourceName(file));
        }
    }

    /** Refuses folders and devices: opening a FIFO would block, a folder has no bytes to check. */
    private static FileChannel openRegular(Path file) throws IOException {
        if (Files.exists(file) && !Files.isRegularFile(file)) {
            throw new SafeTensorsException(sourceName(file) + ": not a regular file");
        }
        return FileChannel.open(file, StandardOpenOption.READ);
    }

    static SafeTensorsHeader readHeader(FileChannel ch, String source) throws IOException {
        long size = ch.size();
        if (size < 8) {
            throw new SafeTensorsException(source + ": file is " + size + " bytes, too small to hold the 8-byte header length");
        }
        ByteBuffer len = ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN);
        readFully(ch, len, 0, source);
        long n = len.getLong(0);
        if (Long.compareUnsigned(n, MAX_HEADER_BYTES) > 0) {
            throw new SafeTensorsException(source + ": header length " + Long.toUnsignedString(n)
                    + " exceeds the limit of " + MAX_HEADER_BYTES + " bytes");
        }
        if (n > size - 8) {
            throw new SafeTensorsException(source + ": header length " + n + " runs past the end of the file ("
                    + size + " bytes)");
        }
        byte[] header = new byte[(int) n];
        readFully(ch, ByteBuffer.wrap(header), 8, source);
        return HeaderParser.parse(source, header, size);
    }

    private static void readFully(FileChannel ch, ByteBuffer buf, long position, String source) throws IOException {
        long pos = position;
        while (buf.hasRemaining()) {
            int r = ch.read(buf, pos);
            if (r < 0) throw new SafeTensorsException(source + ": file shrank while its header was read");
            pos += r;
        }
    }

    static String sourceName(Path file) {
        Path name = file.getFileName();
        return name == null ? file.toString() : name.toString();
    }
}
