"""XLA flags for AOT builds of the hoisted RNN graph (tf_saved_model hoist_input_projection).

That graph multiplies [time*batch, features] by each layer's input kernel. XLA's
CPU backend hands such small matrix products to Eigen, which repacks the whole
kernel on every call; its own LLVM IR small-GEMM emitter (an experimental,
opt-in path) streams the kernel once instead. The emitter's column tile must
divide the kernel's column count (gates x units): with a partial last tile it
computes wrong outputs (found by the golden tests: GRU, 64 units, 192 columns,
a 128-column tile, max error 0.0095; LSTM, 128 units, 512 columns, 96-column
tile, 0.0075). So the tile is chosen per model, and when no tile fits (the
column count not a multiple of 16) the emitter is not forced.

  hoisted_tuned_xla_flags(MODEL)   # MODEL from @bench_model//:defs.bzl

The gates per cell come from python/tflatency/rnn_cells.json (CELLS, through
the @bench_model repository), the file tflatency.model_config reads too.
"""

load("@bench_model//:defs.bzl", "CELLS")

_FLOATS_PER_VECTOR = 16  # one 512-bit vector of float32

def small_gemm_column_vectors(cell, units):
    """The emitter's column tile in vectors: the largest of 8, 4, 2, 1 dividing the columns, or 0 if none."""
    columns = CELLS[cell]["gates"] * units
    if columns % _FLOATS_PER_VECTOR:
        return 0
    for vectors in [8, 4, 2, 1]:
        if (columns // _FLOATS_PER_VECTOR) % vectors == 0:
            return vectors
    return 0

def hoisted_tuned_xla_flags(model):
    """512-bit vectors, 4-row gemv tiles, and the small-GEMM emitter in 2 x 16 x <fitting columns> tiles.

    Tile sizes measured on Zen 5 for the default model (us per inference):
    2:16:8 8.4-8.7, 2:24:8 8.4, 2:32:8 8.8, 2:8:8 9.4, 2:1:8 9.3-9.8, 2:4:4 10.2,
    2:1:1 17.6, 1:4:4 14.7; with Eigen instead (TF's default) 43.
    """
    options = ["xla_llvm_dot_tiling_factor=4"]
    vectors = small_gemm_column_vectors(model["cell"], model["units"])
    if vectors:
        options += [
            "xla_force_enable_experimental_llvm_ir_gemm",
            "xla_llvm_ir_gemm_tile_size=2:16:%d*vectwidth" % vectors,
        ]
    return ["--xla_cpu_prefer_vector_width=512", "--xla_backend_extra_options=" + ",".join(options)]
