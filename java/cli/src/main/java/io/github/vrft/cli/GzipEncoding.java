package io.github.vrft.cli;

import io.helidon.http.HeaderNames;
import io.helidon.http.WritableHeaders;
import io.helidon.http.encoding.ContentDecoder;
import io.helidon.http.encoding.ContentEncoder;
import io.helidon.http.encoding.ContentEncoding;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Set;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;

/**
 * gzip request and response bodies for {@code vrft serve}, on the JDK's gzip streams: Helidon's own gzip module is
 * not served in 4.5.0 here. A request with {@code Content-Encoding: gzip} is decoded before the handler reads it;
 * a response is compressed when the request's {@code Accept-Encoding} asks for gzip.
 */
final class GzipEncoding implements ContentEncoding {
    @Override
    public Set<String> ids() {
        return Set.of("gzip", "x-gzip");
    }

    @Override
    public boolean supportsEncoding() {
        return true;
    }

    @Override
    public boolean supportsDecoding() {
        return true;
    }

    @Override
    public ContentDecoder decoder() {
        return in -> {
            try {
                return new GZIPInputStream(in, 1 << 16);
            } catch (IOException e) {
                throw new UncheckedIOException("the request body is not gzip", e);
            }
        };
    }

    @Override
    public ContentEncoder encoder() {
        return new ContentEncoder() {
            @Override
            public OutputStream apply(OutputStream out) {
                try {
                    return new GZIPOutputStream(out, 1 << 16);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }

            @Override
            public void headers(WritableHeaders<?> headers) {
                headers.set(HeaderNames.CONTENT_ENCODING, "gzip");
                headers.remove(HeaderNames.CONTENT_LENGTH); // the compressed length is not known in advance
            }
        };
    }

    @Override
    public String name() {
        return "gzip";
    }

    @Override
    public String type() {
        return "gzip";
    }
}
