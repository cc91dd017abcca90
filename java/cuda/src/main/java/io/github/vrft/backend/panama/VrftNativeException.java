package io.github.vrft.backend.panama;

/** A non-zero status from libvrft: the status name ({@code VRFT_ERR_CUDA}, ...) and the shim's message. */
public class VrftNativeException extends RuntimeException {
    private final int status;

    VrftNativeException(int status, String message) {
        super(message);
        this.status = status;
    }

    /** The vrft_status code. */
    public int status() {
        return status;
    }
}
