/**
 * vrft-kernels CUDA bindings: the jcuda backend (the kernels' fatbin through JCuda's driver API) and the
 * panama backend (libvrft.so through FFM), provided to vrft-core's {@code Backends} through ServiceLoader.
 */
module io.github.vrft.cuda {
    requires io.github.vrft.core;
    requires jcuda;
    requires jcublas;

    exports io.github.vrft.backend.jcuda;
    exports io.github.vrft.backend.panama;

    provides io.github.vrft.backend.BackendProvider
            with io.github.vrft.backend.panama.PanamaProvider, io.github.vrft.backend.jcuda.JCudaProvider;
}
