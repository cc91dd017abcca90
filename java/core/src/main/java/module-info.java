/**
 * vrft-kernels core: the verifiable rewards of Visual-RFT and VLM-R1 (reward), the GRPO group advantages and
 * policy losses (grpo), box IoU, matching and COCO AP (box), and the Backend API with the CPU backend
 * (backend). No dependencies; the GPU backends are found through {@link io.github.vrft.backend.BackendProvider}.
 * The Python-semantics helpers ({@code io.github.vrft.answer}) are internal.
 */
module io.github.vrft.core {
    requires static jdk.incubator.vector;

    exports io.github.vrft.reward;
    exports io.github.vrft.grpo;
    exports io.github.vrft.box;
    exports io.github.vrft.backend;
    exports io.github.vrft to io.github.vrft.cuda;

    uses io.github.vrft.backend.BackendProvider;
}
